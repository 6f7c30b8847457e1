"""What the main pages cost a learner on a weak mobile connection, with data saver
off and on, side by side.

Runs the project with production settings under gunicorn on 127.0.0.1:8171
(PostgreSQL database ``lms_bench_pages``, recreated with the demo content; Redis db
5; static files collected and compressed as in production; ``/media/`` served by
``bench/urls.py`` in place of the reverse proxy). A signed-in learner opens the home
page, the course list, the guide and its first lesson in Debian's Chromium with a
phone's viewport, over an emulated slow mobile connection (400 ms round trip, 400
kbit/s each way), each page in a fresh browser context (nothing cached), alternating
data saver off and on for the same page. For each page it reports the requests, the
bytes received (compressed, headers included, as counted by Chromium) once the
network is quiet, and the time to the page's ``load`` event; medians over the
rounds, and the data saver / normal ratio of bytes.

    .venv/bin/python bench/page_weight.py            # about two minutes
    .venv/bin/python bench/page_weight.py --rounds 5

Not part of ``make test``. Uses only 127.0.0.1. The demo's videos are local files;
with Mux, data saver also caps the stream at 360p, which this machine cannot
measure (Mux's servers are out of reach).
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import common

PORT = 8171
DATABASE = "lms_bench_pages"
REDIS_DB = 5
CACHE_PREFIX = "bench-pages"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SLOW_MOBILE = {
    "offline": False,
    "latency": 400,  # ms, added to every round trip
    "downloadThroughput": 400_000 / 8,  # bytes per second
    "uploadThroughput": 400_000 / 8,
}


def prepare() -> tuple[dict, str]:
    """The database with the demo content, the static files, and a signed-in
    learner; returns the pages to open and the learner's session key."""
    from django.core.management import call_command
    from django.test import Client
    from django.utils import translation

    from courses.models import CourseIndexPage, CoursePage
    from home.models import HomePage
    from lms.factories import UserFactory

    common.prepare_database(DATABASE, fresh=True)
    call_command("load_demo_content", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", "--noinput", verbosity=0)
    learner = UserFactory(email="bench-pages@example.kz")
    client = Client()
    client.force_login(learner)
    with translation.override("kk"):
        guide = CoursePage.objects.live().get(kind="guide", locale__language_code="kk")
        pages = {
            "home": HomePage.objects.live().get(locale__language_code="kk").url,
            "courses": CourseIndexPage.objects.live()
            .get(locale__language_code="kk")
            .url,
            "guide": guide.url,
            "guide lesson 1": guide.lessons()[0].url,
        }
    return pages, client.cookies["sessionid"].value


def measure(browser, url: str, session: str, data_saver: bool) -> dict:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    site = {"domain": common.HOST, "path": "/"}
    cookies = [{"name": "sessionid", "value": session, **site}]
    if data_saver:
        cookies.append({"name": "data_saver", "value": "on", **site})
    context.add_cookies(cookies)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_MOBILE)
    received: dict[str, int] = {}
    finished: dict[str, int] = {}

    def on_data(event):
        rid = event["requestId"]
        if rid in received:
            received[rid] += int(event.get("encodedDataLength", 0))

    def on_finished(event):
        if event["requestId"] in received:
            finished[event["requestId"]] = int(event["encodedDataLength"])

    urls: dict[str, str] = {}

    def on_request(event):
        if event["request"]["url"].startswith("data:"):
            return  # drawn by the browser itself (its media controls' icons)
        received.setdefault(event["requestId"], 0)
        urls[event["requestId"]] = event["request"]["url"]

    cdp.on("Network.requestWillBeSent", on_request)
    cdp.on("Network.dataReceived", on_data)
    cdp.on("Network.loadingFinished", on_finished)
    try:
        page.goto(url, wait_until="load", timeout=120_000)
        load_ms = page.evaluate(
            "performance.getEntriesByType('navigation')[0].loadEventEnd"
        )
        page.wait_for_load_state("networkidle", timeout=120_000)
        page.wait_for_timeout(1500)  # a player may start fetching a little later
        sizes = {r: max(received[r], finished.get(r, 0)) for r in received}
        return {
            "requests": len(sizes),
            "bytes": sum(sizes.values()),
            "load_s": load_ms / 1000,
            "urls": sorted((urls[r], sizes[r]) for r in sizes),
        }
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--list", action="store_true", help="also list each request of the last round"
    )
    args = parser.parse_args()
    if not shutil.which(CHROMIUM):
        raise SystemExit(f"Chromium is required: {CHROMIUM} not found")

    media_root = Path(tempfile.mkdtemp(prefix="bench-pages-media-"))
    env = common.production_env(
        database=DATABASE,
        redis_db=REDIS_DB,
        cache_prefix=CACHE_PREFIX,
        port=PORT,
        iin_key="bench-pages-iin-key-" + "x" * 24,
    )
    env.update(
        MEDIA_ROOT=str(media_root),
        DEMO_ADMIN_PASSWORD="bench-pages-admin",  # noqa: S106 - local only
    )
    os.environ.update(env)
    import django

    django.setup()
    pages, session = prepare()

    from playwright.sync_api import sync_playwright

    server = common.start_server(env, PORT, workers=2, threads=4)
    results = {name: {False: [], True: []} for name in pages}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            for round_number in range(args.rounds):
                for name, path in pages.items():
                    # Alternate which mode goes first, so neither always runs warm.
                    for saver in (
                        (False, True)
                        if round_number % 2 == 0
                        else (
                            True,
                            False,
                        )
                    ):
                        url = f"http://{common.HOST}:{PORT}{path}"
                        results[name][saver].append(
                            measure(browser, url, session, saver)
                        )
                print(f"round {round_number + 1}/{args.rounds} done", file=sys.stderr)
            browser.close()
    finally:
        common.stop_server(server)
        shutil.rmtree(media_root, ignore_errors=True)

    def median(rows, key):
        return statistics.median(row[key] for row in rows)

    print(
        f"\n{args.rounds} rounds, signed-in learner, phone viewport, emulated "
        f"{SLOW_MOBILE['latency']} ms / "
        f"{SLOW_MOBILE['downloadThroughput'] * 8 / 1000:g} kbit/s, medians\n"
    )
    print(
        "| page | requests | KB | load s | requests (saver) | KB (saver) "
        "| load s (saver) | KB saver / normal |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in pages:
        normal, saver = results[name][False], results[name][True]
        kb, kb_saver = median(normal, "bytes") / 1024, median(saver, "bytes") / 1024
        print(
            f"| {name} | {median(normal, 'requests'):g} | {kb:.1f} "
            f"| {median(normal, 'load_s'):.2f} | {median(saver, 'requests'):g} "
            f"| {kb_saver:.1f} | {median(saver, 'load_s'):.2f} | {kb_saver / kb:.2f} |"
        )
    if args.list:
        for name in pages:
            for saver in (False, True):
                print(f"\n{name}, data saver {'on' if saver else 'off'}:")
                for url, size in results[name][saver][-1]["urls"]:
                    print(f"  {size:>8}  {url}")


if __name__ == "__main__":
    main()
