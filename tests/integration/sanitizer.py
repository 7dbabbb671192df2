"""What a sanitizer build's report looks like on stderr, for the tests that
run stepvisor built with -Db_sanitize=address,undefined (meson gives them
ASAN_OPTIONS and UBSAN_OPTIONS: halt on the first report, exit 86)."""
import re

REPORT = re.compile(r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer")
EXIT = 86


def report(stderr):
    """The report's first line, or None."""
    m = REPORT.search(stderr)
    if not m:
        return None
    start = stderr.rfind("\n", 0, m.start()) + 1
    end = stderr.find("\n", m.start())
    return stderr[start:end if end >= 0 else len(stderr)]
