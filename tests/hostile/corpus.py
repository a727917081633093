"""Hostile values: what scanners, fuzzers and careless clients send.

Each value is written as it goes on the wire in a URL (percent-encoded where
it must be), so a test can put it into a path segment or a query value as is.
"""
from urllib.parse import quote

# Plain text that a URL carries after encoding.
_TEXT = [
    # SQL injection
    "' OR '1'='1", "1' OR 1=1--", "1; DROP TABLE agreements;--", "' UNION SELECT NULL,NULL,NULL--",
    "admin'--", "1) OR (1=1", "'; SELECT pg_sleep(5);--", "1 AND SLEEP(5)", "\" OR \"\"=\"",
    "%' AND 1=0 UNION ALL SELECT sqlite_version()--", "1/*comment*/OR/**/1=1", "x' AND extractvalue(1,concat(0x7e,version()))--",
    # full-text operator soup (FTS5 and PostgreSQL tsquery)
    '"a" OR NEAR(b* -c', 'NEAR(', '"unbalanced', '""', '"', "*", "a*", "-", "--", "a:*", "a & | ! b", "!(", "<->",
    "a <-> b <2> c", "OR", "AND NOT", "NOT", "^a", "a:b:c", "{a b}", "col:value", "a + b - c", "(((((((((",
    "))))", "a OR OR OR", "NEAR(a b, -1)", "\\", "'", "''", "%", "_", "%%", "*:*",
    # unicode: direction marks, zero-width, combining, astral, confusables
    "\u202etxt.exe", "\u200f\u200eabc", "\u200b\u200c\u200d", "e\u0301\u0301\u0301", "\U0001F4A9", "\ufeffbom",
    "\u2028\u2029", "ｒｕｓ", "РОССИЯ", "ايران", "조선", "\ud7ff",
    # path traversal and file names
    "../../../../etc/passwd", "..\\..\\windows\\win.ini", "....//....//etc/passwd", "/etc/passwd", "..", ".", "~",
    # markup and templates
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "{{7*7}}", "${7*7}", "#{7*7}", "%{7*7}",
    # numbers
    "0", "-1", "-0", "+1", "1e309", "1e-309", "NaN", "Infinity", "-Infinity", "0x7fffffff", "2147483648",
    "9223372036854775808", "-9223372036854775809", "99999999999999999999999999999999", "1.5", "1,2", "١٢٣",
    # dates
    "2025-02-30", "2025-13-01", "0000-00-00", "9999-12-31", "10000-01-01", "2025-2-3", "2025-02-29T25:61:61",
    "-2025-01-01", "2025/01/01", "20250101",
    # assorted
    "true", "false", "null", "undefined", "[]", "{}", "[object Object]", " ", "   leading", "a" * 600,
]
# Values that only make sense already encoded: percent-encoding itself under attack.
_ENCODED = [
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%252e%252e%252f", "%c0%ae%c0%ae%2f", "%e2%80%ae", "%ef%bb%bf",
    "%f0%9f%92%a9", "%ed%a0%80",  # a UTF-16 surrogate encoded as UTF-8: not valid UTF-8
]
HOSTILE_VALUES = [quote(v, safe="") for v in _TEXT] + _ENCODED

# Percent-encoded forms the guard must refuse, wherever they stand.
MALFORMED_PERCENT = ["%", "%z", "%zz", "%g0", "a%2", "%%41"]
INVALID_UTF8 = ["%ff", "%c3%28", "%80", "%ed%a0%80", "%f8%88%80%80%80", "%fe%fe"]
CONTROL_CHARACTERS = ["%00", "a%00b", "%01", "%1b%5b31m", "%0d%0aSet-Cookie:%20x=1", "%7f"]

IMPOSSIBLE_DATES = ["2025-02-30", "2025-13-01", "2025-00-10", "2023-02-29", "0000-01-01", "2025-1-1", "31-12-2025"]
HUGE_NUMBERS = ["99999999999999999999999999999999", "1e309", "-99999999999999999999", "9" * 400, "0x10", "1.0", "NaN"]
TAMPERED_CURSORS = [
    "x", "AAAA", "not-a-cursor", "eyJpZCI6IDF9", "eyJpZCI6ICInIE9SIDE9MSJ9", "%00", "////", "A" * 500,
    "eyJ" + "A" * 40, "e30", "W10", "bnVsbA", "MTox", "LTE6LTE",
]
