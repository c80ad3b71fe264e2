package app

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stscred/stscred/internal/ops/doctor"
)

// Each status has its mark.
func TestMark(t *testing.T) {
	for st, want := range map[doctor.Status]string{doctor.Pass: "✓", doctor.Fail: "✗", doctor.Warn: "!", doctor.Info: "–", "other": ""} {
		if got := mark(st); got != want {
			t.Errorf("mark(%q) = %q, want %q", st, got, want)
		}
	}
}

// A line per check, and a line per hint under the ones that did not
// pass.
func TestPrintChecks(t *testing.T) {
	checks := []doctor.Check{
		{ID: "config", Status: doctor.Pass, Message: "config parses", Hints: []string{"never shown"}},
		{ID: "key", Profile: "alice", Status: doctor.Fail, Message: "no key", Hints: []string{"stscred add alice", "or import it"}},
		{ID: "clock", Status: doctor.Warn, Message: "clock 2m off", Hints: []string{"sync it"}},
		{ID: "cache", Status: doctor.Info, Message: "no cached sessions"},
	}
	var b bytes.Buffer
	if err := printChecks(&b, checks); err != nil {
		t.Fatal(err)
	}
	want := "✓ config parses\n" +
		"✗ no key\n    hint: stscred add alice\n    hint: or import it\n" +
		"! clock 2m off\n    hint: sync it\n" +
		"– no cached sessions\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	if err := printChecks(&b, nil); err != nil || b.Len() != 0 {
		t.Errorf("no checks: %v %q", err, b.String())
	}
}

// JSON is an array ([] when there is no check), indented, HTML left as
// it is, the hints joined in one field.
func TestPrintChecksJSON(t *testing.T) {
	var b bytes.Buffer
	if err := printChecksJSON(&b, nil); err != nil || b.String() != "[]\n" {
		t.Errorf("no checks: %v %q", err, b.String())
	}
	b.Reset()
	checks := []doctor.Check{{ID: "sts", Profile: "a<b>", OK: false, Status: doctor.Fail, Message: "refused & more", Hint: "x; y", Hints: []string{"x", "y"}}}
	if err := printChecksJSON(&b, checks); err != nil {
		t.Fatal(err)
	}
	want := "[\n  {\n    \"check\": \"sts\",\n    \"profile\": \"a<b>\",\n    \"ok\": false,\n    \"status\": \"fail\",\n    \"message\": \"refused & more\",\n    \"hint\": \"x; y\"\n  }\n]\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	var back []doctor.Check
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || len(back) != 1 || back[0].Hints != nil {
		t.Errorf("round trip: %+v %v", back, err)
	}
}
