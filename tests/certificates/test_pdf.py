"""The certificate PDF: one A4 page, three languages, the number and a working QR."""

import io
import shutil
import subprocess
import sys
import threading
from datetime import date

from django.utils import timezone

import pytest
from pypdf import PdfReader

from certificates import pdf

KAZAKH_LETTERS = "ӘҒҚҢӨҰҮҺІәғқңөұүһі"


def _text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def _decode_qr(data: bytes, tmp_path) -> list[str]:
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("pdftoppm and zbarimg are needed to read the QR code")
    pdf_path = tmp_path / "certificate.pdf"
    pdf_path.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", pdf_path, tmp_path / "page"],
        check=True,
    )
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", tmp_path / "page.png"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_issued_pdf_opens_has_one_a4_page_the_number_and_three_languages(certificate):
    data = certificate.pdf.read()
    reader, text = _text(data)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert sorted([round(float(box.width)), round(float(box.height))]) == [595, 842]
    assert certificate.number in text
    assert "Айгерім Бекова" in text
    # Course title in Kazakh, Russian and English.
    assert "Бақытты отбасы" in text
    assert "Счастливая казахстанская семья" in text
    assert "Happy Kazakhstani Family" in text
    # Fixed wording in the three languages, and the date.
    assert "СЕРТИФИКАТ" in text
    assert "Дата выдачи" in text
    assert "Date of issue" in text
    assert "Берілген күні" in text
    assert f"{timezone.localdate(certificate.issued_at):%d.%m.%Y}" in text


def test_qr_code_opens_the_verification_page(certificate, tmp_path):
    decoded = _decode_qr(certificate.pdf.read(), tmp_path)
    assert decoded == [f"http://testserver/certificates/verify/{certificate.number}/"]


def test_every_kazakh_letter_is_drawn_and_searchable(tmp_path):
    content = pdf.CertificateContent(
        number="BKO-0000-0000-001Y",
        holder_name="Әсем Ғалымжанқызы Қоңырбаева",
        course_titles={
            "kk": "Өмір, Ұрпақ, Үміт, Һәм Ізгілік: " + KAZAKH_LETTERS,
            "ru": "Курс",
            "en": "Course",
        },
        issued_on=date(2026, 7, 1),
        verify_url="https://example.kz/certificates/verify/BKO-0000-0000-001Y/",
    )
    data = pdf.render_pdf(content)
    reader, text = _text(data)
    assert len(reader.pages) == 1
    for letter in KAZAKH_LETTERS:
        assert letter in text, letter
    assert "Әсем Ғалымжанқызы Қоңырбаева" in text
    assert "01.07.2026" in text
    # Fonts are embedded (subset TrueType), so no system font is needed to show it.
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for font in fonts.values():
        descriptor = font.get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor
    assert _decode_qr(data, tmp_path) == [content.verify_url]


def test_a_long_course_title_stays_on_one_page():
    content = pdf.CertificateContent(
        number="BKO-0000-0000-001Y",
        holder_name="Айгерім Бекова",
        course_titles={
            "kk": "Ата-аналар академиясы: " + "балалармен сөйлесу " * 12,
            "ru": "Академия родителей: " + "разговор с детьми " * 12,
            "en": "Parents' academy: " + "talking with children " * 12,
        },
        issued_on=date(2026, 7, 1),
        verify_url="https://example.kz/certificates/verify/BKO-0000-0000-001Y/",
    )
    reader, text = _text(pdf.render_pdf(content))
    assert len(reader.pages) == 1
    assert "BKO-0000-0000-001Y" in text


def test_pages_drawn_at_once_by_several_threads_come_out_whole():
    """reportlab's shared fonts hold per-document subsets; without the render lock
    threads switching often corrupt each other's glyph tables (KeyError)."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    pages, errors = {}, []

    def draw(worker: int) -> None:
        try:
            for index in range(16):
                number = f"BKO-0000-{worker:04d}-{index:03d}"
                pages[number] = pdf.render_pdf(
                    pdf.CertificateContent(
                        number=number,
                        holder_name=f"Әсем Қоңырбаева {KAZAKH_LETTERS[index:]}",
                        course_titles={
                            "kk": "Бақытты отбасы",
                            "ru": "Курс",
                            "en": "Course",
                        },
                        issued_on=date(2026, 7, 1),
                        verify_url=f"https://example.kz/certificates/verify/{number}/",
                    )
                )
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=draw, args=(worker,)) for worker in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        sys.setswitchinterval(previous)
    assert errors == []
    assert len(pages) == 96
    for number in ("BKO-0000-0000-000", "BKO-0000-0005-015"):
        assert number in _text(pages[number])[1]
