"""Debian's Chromium as every browser test starts it (playwright install cannot download
here): the flags keep a headless run from reaching out to the network on its own."""

EXECUTABLE = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
