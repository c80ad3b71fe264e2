// Package words holds English word forms for messages. Imports nothing.
package words

// Plural is one when n is 1, else many: "key"+Plural(n, "", "s").
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
