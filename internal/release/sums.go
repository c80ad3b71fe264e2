package main

import (
	"fmt"
	"sort"
	"strings"
)

// sums writes SHA256SUMS: every artifact's SHA-256, in the format of
// sha256sum (and sha256sum -c), sorted by name.
func (r *release) sums() error {
	names := append([]string(nil), r.artifacts...)
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		sum, err := r.digest(name)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, name)
	}
	return r.write("SHA256SUMS", []byte(b.String()))
}
