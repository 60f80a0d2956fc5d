package discover

import "strings"

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// naturalCompare orders names the way people read numbered files: a run of
// ASCII digits compares with another by numeric value ("2_x" < "10_x"),
// every other byte compares as a byte (a digit run sits where its digits
// sit in byte order). Names equal under that rule (they differ only in
// leading zeros, "01" and "1") fall back to byte order, so the order is
// total: naturalCompare(a, b) == 0 only when a == b.
func naturalCompare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if isDigit(a[i]) && isDigit(b[j]) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			if c := compareNumbers(a[si:i], b[sj:j]); c != 0 {
				return c
			}
			continue
		}
		if a[i] != b[j] {
			if a[i] < b[j] {
				return -1
			}
			return 1
		}
		i++
		j++
	}
	switch {
	case i == len(a) && j < len(b):
		return -1
	case j == len(b) && i < len(a):
		return 1
	}
	return strings.Compare(a, b)
}

// compareNumbers compares two runs of ASCII digits by value, whatever
// their length (no overflow): leading zeros do not count.
func compareNumbers(a, b string) int {
	a = strings.TrimLeft(a, "0")
	b = strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// leadingDigits returns the run of ASCII digits s starts with.
func leadingDigits(s string) string {
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	return s[:n]
}

// stem returns a file name without its extension.
func stem(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[:i]
	}
	return name
}

// splitNumbered splits "0003_add_users.sql" into "0003" and "add_users":
// the leading digits, and the rest without its leading separators.
func splitNumbered(name string) (version, rest string) {
	s := stem(name)
	version = leadingDigits(s)
	return version, strings.TrimLeft(s[len(version):], "_-. ")
}
