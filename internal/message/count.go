package message

// Counts in messages: "1 object", "3 objects", "10,240".

import "strconv"

// Count is n followed by noun, in the plural unless n is 1: "1 key",
// "2 keys". Nouns whose plural is not noun+"s" pass it as plural.
func Count(n int, noun string, plural ...string) string {
	return strconv.Itoa(n) + " " + Noun(n, noun, plural...)
}

// Noun is noun, or its plural unless n is 1.
func Noun(n int, noun string, plural ...string) string {
	if n == 1 {
		return noun
	}
	if len(plural) > 0 {
		return plural[0]
	}
	return noun + "s"
}

// S is the "s" of a plural noun: "" when n is 1.
func S(n int) string { return Noun(n, "", "s") }

// Thousands writes n with a comma between groups of three digits, as
// AWS's documentation writes its limits: 10,240.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
