// Package inilex holds the lexical rules of the AWS shared config and
// credentials files as botocore and the AWS SDK for Go v2 read them: what
// counts as whitespace and where an inline comment starts. awsconfig and
// credfile both use them, so the two never disagree about a line.
package inilex

// IsSpace reports whether c is whitespace inside a line.
func IsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\v' || c == '\f' }

// TrimSpace trims IsSpace whitespace from both ends of s.
func TrimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && IsSpace(s[i]) {
		i++
	}
	for j > i && IsSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// CommentStart returns the index of an inline comment in s: a "#" or ";"
// preceded by whitespace. It returns len(s) when there is none.
func CommentStart(s string) int {
	for j := 1; j < len(s); j++ {
		if (s[j] == '#' || s[j] == ';') && IsSpace(s[j-1]) {
			return j
		}
	}
	return len(s)
}

// CleanValue strips an inline comment and the surrounding whitespace.
func CleanValue(raw string) string { return TrimSpace(raw[:CommentStart(raw)]) }
