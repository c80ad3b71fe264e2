package awsconfig

import (
	"strconv"
	"strings"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/base/spell"
)

// notFound reports that the file has no profile name, with hints about
// sections that look like what the user meant.
func (f *File) notFound(name string) error {
	hints := f.suggest(name)
	hints = append(hints, addSection(name, f.Path))
	return hint.With(&refError{
		msg: "profile " + strconv.Quote(name) + " not found in " + f.Path,
		err: ErrProfileNotFound,
	}, hints...)
}

// suggest returns hints naming sections close to profile name: a header
// without the "profile " prefix or with other spelling, a non-profile
// section of that name, a profile differing only in case or by a typo. It
// runs on the error path only.
func (f *File) suggest(name string) []string {
	var out []string
	squash := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }
	want := squash(name)
	lineOf := func(s section) string { return f.Path + " line " + itoa(s.line) }
	for i := range f.sections {
		s := f.sections[i]
		header := f.header(&s)
		switch s.kind {
		case kindOther:
			h := squash(header)
			switch {
			case header == name:
				out = append(out, lineOf(s)+" has ["+header+"], but in the config file a profile's header must read "+SectionFor(name))
			case h == want || h == "profile"+want:
				out = append(out, lineOf(s)+" has ["+header+"], which is not a profile header: write "+SectionFor(name))
			}
		case kindSSOSession:
			if s.name == name {
				out = append(out, lineOf(s)+" has ["+header+"], an sso-session section, not a profile")
			}
		case kindServices:
			if s.name == name {
				out = append(out, lineOf(s)+" has ["+header+"], a services section, not a profile")
			}
		}
	}
	// Profiles differing in case, else by a small typo.
	var caseHits, typoHits []string
	limit := 1 // edits accepted in a short name
	if len(name) >= 6 {
		limit = 2 // and in a longer one
	}
	best := limit + 1
	for _, n := range f.ProfileNames() {
		if n == name {
			continue
		}
		if strings.EqualFold(n, name) {
			caseHits = append(caseHits, strconv.Quote(n))
			continue
		}
		if len(name) < 3 || len(n) < 3 {
			continue
		}
		switch d := spell.Distance(n, name, limit+1); {
		case d < best:
			best, typoHits = d, []string{strconv.Quote(n)}
		case d == best && d <= limit && len(typoHits) < 3:
			typoHits = append(typoHits, strconv.Quote(n))
		}
	}
	switch {
	case len(caseHits) > 0:
		out = append(out, "did you mean "+strings.Join(caseHits, " or ")+"? profile names are case-sensitive")
	case len(typoHits) > 0:
		out = append(out, "did you mean "+strings.Join(typoHits, " or ")+"?")
	}
	return out
}

// DidYouMean keeps the "did you mean" hints of a profile-not-found error:
// for a command where adding the section is not the fix.
func DidYouMean(err error) []string {
	var out []string
	for _, h := range hint.Of(err) {
		if strings.HasPrefix(h, "did you mean") {
			out = append(out, h)
		}
	}
	return out
}

// addSection is the hint of a profile-not-found error to add the section.
func addSection(name, path string) string {
	return "add a " + SectionFor(name) + " section to " + path + `, or run "stscred list" to see the profiles it has`
}

// Suggestions keeps the hints of a profile-not-found error that point at
// what was meant (a near name, a header written another way), without
// the one to add the section: for a caller that says that in its own
// words.
func Suggestions(err error) []string {
	var out []string
	for _, h := range hint.Of(err) {
		if !strings.HasPrefix(h, "add a [") || !strings.Contains(h, "] section to ") {
			out = append(out, h)
		}
	}
	return out
}
