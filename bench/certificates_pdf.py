"""How long one certificate PDF takes to render (reportlab, fonts embedded, QR).

Renders 100 certificates with different numbers, names and course titles, after one
warm-up render that loads the fonts, and prints the median, p90 and other figures.

    .venv/bin/python bench/certificates_pdf.py [--renders 100]
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from certificates import pdf  # noqa: E402
from certificates.numbers import generate_number  # noqa: E402

NAMES = [
    "Айгерім Бекова",
    "Нұрлан Сейітов",
    "Әсем Ғалымжанқызы Қоңырбаева",
    "Ұлан Үсенов",
    "Дмитрий Ковалёв",
]
TITLES = [
    {
        "kk": "Бақытты қазақстандық отбасы",
        "ru": "Счастливая казахстанская семья",
        "en": "Happy Kazakhstani Family",
    },
    {
        "kk": "Ата-аналар академиясы",
        "ru": "Академия родителей",
        "en": "Parents' academy",
    },
]


def content(rng: random.Random) -> pdf.CertificateContent:
    number = generate_number()
    return pdf.CertificateContent(
        number=number,
        holder_name=rng.choice(NAMES),
        course_titles=rng.choice(TITLES),
        issued_on=date(2026, 7, rng.randint(1, 31)),
        verify_url=f"https://bakytty-otbasy.kz/certificates/verify/{number}/",
    )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(5)

    start = time.perf_counter()
    first = pdf.render_pdf(content(rng))
    cold = time.perf_counter() - start

    timings, cpu_timings, sizes = [], [], []
    for _ in range(args.renders):
        item = content(rng)
        start, cpu_start = time.perf_counter(), time.process_time()
        data = pdf.render_pdf(item)
        timings.append(time.perf_counter() - start)
        cpu_timings.append(time.process_time() - cpu_start)
        sizes.append(len(data))

    ms = [t * 1000 for t in timings]
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print(f"renders: {args.renders} (after one warm-up of {cold * 1000:.1f} ms)")
    print(f"median:  {statistics.median(ms):.1f} ms")
    print(f"p90:     {percentile(ms, 0.90):.1f} ms")
    print(f"mean:    {statistics.fmean(ms):.1f} ms")
    print(f"min/max: {min(ms):.1f} / {max(ms):.1f} ms")
    # CPU time is what a render costs a worker; wall time also counts waiting
    # for a core on a busy machine.
    cpu_ms = [t * 1000 for t in cpu_timings]
    print(
        f"CPU:     median {statistics.median(cpu_ms):.1f} ms,"
        f" p90 {percentile(cpu_ms, 0.90):.1f} ms"
    )
    print(
        f"load:    {os.getloadavg()[0]:.1f} (1-minute average, {os.cpu_count()} CPUs)"
    )
    print(
        f"size:    {statistics.median(sizes) / 1024:.0f} KiB median"
        f" ({len(first)} B first)"
    )
    print(f"per core: {1000 / statistics.median(cpu_ms):.0f} certificates/s")


if __name__ == "__main__":
    main()
