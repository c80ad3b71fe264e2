package human

// English word forms for messages.

// Plural is one when n is 1, else many: "key"+Plural(n, "", "s").
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
