"""The certificate as a one-page A4 PDF, drawn with reportlab.

The page carries Kazakh, Russian and English side by side whatever the learner's
language, so its fixed wording is written here in all three rather than translated
through gettext. Fonts (DejaVu, with every Kazakh letter) ship in
``certificates/fonts`` so that no system font is needed; every colour is dark enough
to survive printing in grey.
"""

import functools
import io
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import segno
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONTS = {
    "Sans": "DejaVuSans.ttf",
    "Sans-Bold": "DejaVuSans-Bold.ttf",
    "Serif-Bold": "DejaVuSerif-Bold.ttf",
}

INK = HexColor("#111111")
NAVY = HexColor("#1b2f4b")
MUTED = HexColor("#3a3a3a")
ORNAMENT = HexColor("#6b5312")

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)


@dataclass(frozen=True)
class CertificateContent:
    """What the page shows; course titles by language code (kk, ru, en)."""

    number: str
    holder_name: str
    course_titles: dict[str, str]
    issued_on: date
    verify_url: str


@functools.cache
def register_fonts() -> None:
    for name, filename in FONTS.items():
        pdfmetrics.registerFont(TTFont(f"Cert-{name}", str(FONT_DIR / filename)))


def _font(name: str) -> str:
    return f"Cert-{name}"


def _centred_lines(
    canvas: Canvas, text: str, font: str, size: float, y: float, width: float
) -> float:
    """Draw ``text`` centred, wrapped to ``width``; returns the y below it."""
    lines = simpleSplit(text, _font(font), size, width) or [""]
    canvas.setFont(_font(font), size)
    for line in lines:
        canvas.drawCentredString(PAGE_WIDTH / 2, y, line)
        y -= size * 1.3
    return y


def _draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """A vector QR code with its quiet zone, lower-left corner at (x, y)."""
    qr = segno.make(url, error="m", micro=False)
    matrix = qr.matrix
    modules = len(matrix)
    quiet = 4
    cell = size / (modules + 2 * quiet)
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(INK)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (quiet + row_index + 1) * cell
        column = 0
        while column < modules:
            if row[column]:
                start = column
                while column < modules and row[column]:
                    column += 1
                path.rect(
                    x + (quiet + start) * cell, top, (column - start) * cell, cell
                )
            else:
                column += 1
    canvas.drawPath(path, stroke=0, fill=1)


def _frame(canvas: Canvas) -> None:
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(3)
    canvas.rect(18, 18, PAGE_WIDTH - 36, PAGE_HEIGHT - 36)
    canvas.setStrokeColor(ORNAMENT)
    canvas.setLineWidth(0.8)
    canvas.rect(27, 27, PAGE_WIDTH - 54, PAGE_HEIGHT - 54)
    for cx, cy in ((27, 27), (27, PAGE_HEIGHT - 27)):
        for corner_x in (cx, PAGE_WIDTH - cx):
            canvas.setFillColor(ORNAMENT)
            canvas.circle(corner_x, cy, 3.2, stroke=0, fill=1)


def _rule(canvas: Canvas, y: float, half_width: float) -> None:
    canvas.setStrokeColor(ORNAMENT)
    canvas.setLineWidth(0.8)
    middle = PAGE_WIDTH / 2
    canvas.line(middle - half_width, y, middle - 8, y)
    canvas.line(middle + 8, y, middle + half_width, y)
    canvas.setFillColor(ORNAMENT)
    path = canvas.beginPath()
    path.moveTo(middle, y + 4)
    path.lineTo(middle + 4, y)
    path.lineTo(middle, y - 4)
    path.lineTo(middle - 4, y)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


# reportlab keeps each embedded font's subset on the shared TTFont object while a
# document is written, so two pages drawn at once by threads of one process mix up
# each other's glyph tables. Rendering is CPU-bound under the GIL anyway.
_render_lock = threading.Lock()


def render_pdf(content: CertificateContent) -> bytes:
    """The certificate page as PDF bytes; safe to call from several threads."""
    with _render_lock:
        register_fonts()
        return _render(content)


def _render(content: CertificateContent) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        pageCompression=1,
        initialFontName=_font("Sans"),
    )
    canvas.setTitle(f"Сертификат / Certificate {content.number}")
    canvas.setAuthor("Бақытты отбасы")
    canvas.setSubject(content.course_titles.get("kk", ""))

    _frame(canvas)
    text_width = PAGE_WIDTH - 160

    canvas.setFillColor(NAVY)
    canvas.setFont(_font("Sans-Bold"), 11)
    canvas.drawCentredString(
        PAGE_WIDTH / 2, PAGE_HEIGHT - 66, "Б А Қ Ы Т Т Ы   О Т Б А С Ы"
    )
    canvas.setFont(_font("Serif-Bold"), 38)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 112, "СЕРТИФИКАТ")
    canvas.setFillColor(MUTED)
    canvas.setFont(_font("Sans"), 11.5)
    canvas.drawCentredString(
        PAGE_WIDTH / 2,
        PAGE_HEIGHT - 134,
        "Курсты аяқтағаны туралы  ·  Об окончании курса  ·  Certificate of completion",
    )
    _rule(canvas, PAGE_HEIGHT - 152, 150)

    canvas.setFillColor(MUTED)
    canvas.setFont(_font("Sans"), 11)
    canvas.drawCentredString(
        PAGE_WIDTH / 2,
        PAGE_HEIGHT - 192,
        "Осымен куәландырылады  ·  Настоящим удостоверяется, что  ·  "
        "This certifies that",
    )
    canvas.setFillColor(INK)
    y = _centred_lines(
        canvas, content.holder_name, "Serif-Bold", 30, PAGE_HEIGHT - 238, text_width
    )
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(0.6)
    name_width = min(
        text_width, pdfmetrics.stringWidth(content.holder_name, _font("Serif-Bold"), 30)
    )
    half = max(220, name_width / 2 + 20)
    canvas.line(PAGE_WIDTH / 2 - half, y + 24, PAGE_WIDTH / 2 + half, y + 24)

    titles = content.course_titles
    y -= 20
    canvas.setFillColor(INK)
    y = _centred_lines(
        canvas,
        f"«{titles.get('kk', '')}» курсын сәтті аяқтады",
        "Sans-Bold",
        15,
        y,
        text_width,
    )
    canvas.setFillColor(MUTED)
    y = _centred_lines(
        canvas,
        f"успешно прошёл(ла) курс «{titles.get('ru', '')}»",
        "Sans",
        13,
        y - 3,
        text_width,
    )
    _centred_lines(
        canvas,
        f"has successfully completed the course “{titles.get('en', '')}”",
        "Sans",
        13,
        y - 3,
        text_width,
    )

    left = 70
    canvas.setFillColor(MUTED)
    canvas.setFont(_font("Sans"), 9.5)
    canvas.drawString(left, 150, "Берілген күні  ·  Дата выдачи  ·  Date of issue")
    canvas.setFillColor(INK)
    canvas.setFont(_font("Sans-Bold"), 15)
    canvas.drawString(left, 131, content.issued_on.strftime("%d.%m.%Y"))
    canvas.setFillColor(MUTED)
    canvas.setFont(_font("Sans"), 9.5)
    canvas.drawString(left, 103, "Сертификат нөмірі  ·  Номер сертификата  ·  Number")
    canvas.setFillColor(INK)
    canvas.setFont(_font("Sans-Bold"), 15)
    canvas.drawString(left, 84, content.number)
    canvas.setFillColor(MUTED)
    canvas.setFont(_font("Sans"), 8.5)
    canvas.drawString(
        left,
        58,
        "Электрондық қолтаңбамен расталған  ·  Подписан электронной подписью  ·  "
        "Digitally signed",
    )

    qr_size = 104
    qr_x = PAGE_WIDTH - 70 - qr_size
    qr_y = 66
    _draw_qr(canvas, content.verify_url, qr_x, qr_y, qr_size)
    canvas.setFillColor(MUTED)
    canvas.setFont(_font("Sans"), 8.5)
    canvas.drawCentredString(
        qr_x + qr_size / 2, qr_y - 10, "Тексеру  ·  Проверка  ·  Verify"
    )
    canvas.setFont(_font("Sans"), 7)
    canvas.drawRightString(qr_x + qr_size, 40, content.verify_url)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
