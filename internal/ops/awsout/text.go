package awsout

import (
	"sort"
	"strings"
)

// writeText writes v as awscli/text.py does: the scalars of an object on
// one tab-separated line (keys sorted), nested lists and objects on lines
// of their own, prefixed with their key in upper case.
func writeText(b *strings.Builder, v any) error {
	formatText(b, v, "", false, nil)
	return nil
}

func formatText(b *strings.Builder, v any, ident string, hasIdent bool, scalarKeys []string) {
	switch x := v.(type) {
	case Object:
		textObject(b, x, ident, hasIdent, scalarKeys)
	case []any:
		textList(b, x, ident, hasIdent)
	default:
		b.WriteString(str(v))
		b.WriteByte('\n')
	}
}

func textList(b *strings.Builder, l []any, ident string, hasIdent bool) {
	if len(l) == 0 {
		return
	}
	anyObject, anyList := false, false
	for _, e := range l {
		switch e.(type) {
		case Object:
			anyObject = true
		case []any:
			anyList = true
		}
	}
	switch {
	case anyObject:
		keys := allScalarKeys(l)
		for _, e := range l {
			formatText(b, e, ident, hasIdent, keys)
		}
	case anyList:
		var scalars, rest []any
		for _, e := range l {
			if isScalar(e) {
				scalars = append(scalars, e)
			} else {
				rest = append(rest, e)
			}
		}
		if len(scalars) > 0 {
			textScalarList(b, scalars, ident, hasIdent)
		}
		for _, e := range rest {
			formatText(b, e, ident, hasIdent, nil)
		}
	default:
		textScalarList(b, l, ident, hasIdent)
	}
}

func textScalarList(b *strings.Builder, l []any, ident string, hasIdent bool) {
	if hasIdent {
		for _, e := range l {
			b.WriteString(strings.ToUpper(ident) + "\t" + str(e) + "\n")
		}
		return
	}
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = str(e)
	}
	b.WriteString(strings.Join(parts, "\t") + "\n")
}

func textObject(b *strings.Builder, o Object, ident string, hasIdent bool, scalarKeys []string) {
	var scalars []string
	type pair struct {
		key string
		val any
	}
	var rest []pair
	if scalarKeys == nil {
		sorted := append(Object(nil), o...)
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
		for _, f := range sorted {
			if isScalar(f.Value) {
				scalars = append(scalars, str(f.Value))
			} else {
				rest = append(rest, pair{f.Key, f.Value})
			}
		}
	} else {
		in := map[string]bool{}
		for _, k := range scalarKeys {
			in[k] = true
			v, ok := o.Get(k)
			if !ok {
				scalars = append(scalars, "")
				continue
			}
			scalars = append(scalars, str(v))
		}
		var remaining []string
		for _, f := range o {
			if !in[f.Key] {
				remaining = append(remaining, f.Key)
			}
		}
		sort.Strings(remaining)
		for _, k := range remaining {
			v, _ := o.Get(k)
			rest = append(rest, pair{k, v})
		}
	}
	if len(scalars) > 0 {
		if hasIdent {
			scalars = append([]string{strings.ToUpper(ident)}, scalars...)
		}
		b.WriteString(strings.Join(scalars, "\t") + "\n")
	}
	for _, p := range rest {
		formatText(b, p.val, p.key, true, nil)
	}
}

// allScalarKeys is the sorted union of the keys with scalar values of the
// objects in l.
func allScalarKeys(l []any) []string {
	seen := map[string]bool{}
	for _, e := range l {
		if o, ok := e.(Object); ok {
			for _, f := range o {
				if isScalar(f.Value) {
					seen[f.Key] = true
				}
			}
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
