package ststest

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// validator collects parameter constraint violations and reports them the
// way the service does: "2 validation errors detected: Value 'x' at
// 'roleSessionName' failed to satisfy constraint: ...; Value ...".
type validator struct {
	params url.Values
	errs   []string
}

func (v *validator) fail(value any, field, constraint string) {
	shown := "null"
	if s, ok := value.(string); ok {
		shown = "'" + s + "'"
	} else if value != nil {
		shown = fmt.Sprintf("'%v'", value)
	}
	v.errs = append(v.errs, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: Member must %s", shown, field, constraint))
}

// str checks an optional string parameter: its length and its characters
// (word characters plus extra, shown as pattern). It returns the value and
// whether it was sent.
func (v *validator) str(param, field string, required bool, minLen, maxLen int, extra, pattern string) (string, bool) {
	val, ok := v.params[param]
	if !ok {
		if required {
			v.fail(nil, field, "not be null")
		}
		return "", false
	}
	s := val[0]
	switch {
	case len(s) < minLen:
		v.fail(s, field, fmt.Sprintf("have length greater than or equal to %d", minLen))
	case len(s) > maxLen:
		v.fail(s, field, fmt.Sprintf("have length less than or equal to %d", maxLen))
	}
	if pattern != "" && !allowedChars(s, extra) {
		v.fail(s, field, "satisfy regular expression pattern: "+pattern)
	}
	return s, true
}

// digits checks a parameter made only of digits, like TokenCode.
func (v *validator) digits(param, field string, length int) (string, bool) {
	val, ok := v.params[param]
	if !ok {
		return "", false
	}
	s := val[0]
	switch {
	case len(s) < length:
		v.fail(s, field, fmt.Sprintf("have length greater than or equal to %d", length))
	case len(s) > length:
		v.fail(s, field, fmt.Sprintf("have length less than or equal to %d", length))
	}
	if strings.Trim(s, "0123456789") != "" {
		v.fail(s, field, "satisfy regular expression pattern: [\\d]*")
	}
	return s, true
}

// integer checks an optional integer parameter against [min, max] and
// returns it, or def when absent.
func (v *validator) integer(param, field string, min, max, def int) int {
	val, ok := v.params[param]
	if !ok {
		return def
	}
	n, err := strconv.Atoi(val[0])
	switch {
	case err != nil:
		v.fail(val[0], field, "be a number")
		return def
	case n < min:
		v.fail(n, field, fmt.Sprintf("have value greater than or equal to %d", min))
	case n > max:
		v.fail(n, field, fmt.Sprintf("have value less than or equal to %d", max))
	}
	return n
}

// list returns the flattened list prefix.member.1, prefix.member.2, ... (with
// suffix appended to each member name, e.g. ".Key").
func (v *validator) list(prefix, suffix string) []string {
	var out []string
	for i := 1; ; i++ {
		val, ok := v.params[fmt.Sprintf("%s.member.%d%s", prefix, i, suffix)]
		if !ok {
			return out
		}
		out = append(out, val[0])
	}
}

// enum checks a string parameter against its allowed values and returns it
// and whether it was sent.
func (v *validator) enum(param, field string, required bool, values ...string) (string, bool) {
	val, ok := v.params[param]
	if !ok {
		if required {
			v.fail(nil, field, "not be null")
		}
		return "", false
	}
	if !slices.Contains(values, val[0]) {
		v.fail(val[0], field, "satisfy enum value set: ["+strings.Join(values, ", ")+"]")
	}
	return val[0], true
}

// err is the ValidationError for what was collected, or nil.
func (v *validator) err() *apiError {
	switch len(v.errs) {
	case 0:
		return nil
	case 1:
		return newError(codeValidationError, "1 validation error detected: %s", v.errs[0])
	}
	return newError(codeValidationError, "%d validation errors detected: %s", len(v.errs), strings.Join(v.errs, "; "))
}
