# SPDX-License-Identifier: GPL-2.0-only
# Validate JSON with (busybox) awk: every input line must be one complete
# JSON value (use -v whole=1 to treat the whole input as one value).
# Prints "json: line N: <what>" and exits 1 at the first error.
function err(msg) {
	printf "json: line %d: %s at offset %d\n", lineno, msg, pos > "/dev/stderr"
	bad = 1
	exit 1
}
function peek() { return substr(s, pos, 1) }
function ws() { while (pos <= n && index(" \t\r\n", peek()) > 0) pos++ }
function value(   c) {
	ws()
	c = peek()
	if (c == "{") return object()
	if (c == "[") return array()
	if (c == "\"") return string()
	if (c == "t") return word("true")
	if (c == "f") return word("false")
	if (c == "n") return word("null")
	if (c ~ /[-0-9]/) return number()
	err("unexpected '" c "'")
}
function word(w) {
	if (substr(s, pos, length(w)) != w) err("bad literal")
	pos += length(w)
}
function number(   m) {
	m = substr(s, pos)
	if (!match(m, /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) err("bad number")
	pos += RLENGTH
}
function string(   c) {
	pos++
	while (pos <= n) {
		c = peek()
		if (c == "\"") { pos++; return }
		if (c == "\\") {
			pos++
			c = peek()
			if (c == "u") {
				if (!match(substr(s, pos + 1, 4), /^[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]$/))
					err("bad \\u escape")
				pos += 5
				continue
			}
			if (index("\"\\/bfnrt", c) == 0) err("bad escape")
			pos++
			continue
		}
		if (c < " ") err("control character in string")
		pos++
	}
	err("unterminated string")
}
function object() {
	pos++
	ws()
	if (peek() == "}") { pos++; return }
	for (;;) {
		ws()
		if (peek() != "\"") err("expected a key")
		string()
		ws()
		if (peek() != ":") err("expected ':'")
		pos++
		value()
		ws()
		if (peek() == ",") { pos++; continue }
		if (peek() == "}") { pos++; return }
		err("expected ',' or '}'")
	}
}
function array() {
	pos++
	ws()
	if (peek() == "]") { pos++; return }
	for (;;) {
		value()
		ws()
		if (peek() == ",") { pos++; continue }
		if (peek() == "]") { pos++; return }
		err("expected ',' or ']'")
	}
}
function check(text) {
	s = text; n = length(s); pos = 1
	value()
	ws()
	if (pos <= n) err("trailing characters")
}
{
	if (whole) { all = all $0 "\n"; next }
	lineno = NR
	check($0)
	lines++
}
END {
	if (bad) exit 1
	if (whole) { lineno = 1; check(all); lines = 1 }
	if (!lines) { print "json: no input" > "/dev/stderr"; exit 1 }
}
