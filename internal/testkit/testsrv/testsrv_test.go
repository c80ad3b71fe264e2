package testsrv

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestLog(t *testing.T) {
	l := NewLog[string]("*", func(name string) bool { return !strings.Contains(name, ":") })
	l.Called("A", "A:x")
	l.Called("B")
	l.Record("a", "A", "A:x")
	l.Record("b")
	if l.Calls("A") != 1 || l.Calls("A:x") != 1 || l.Calls("*") != 2 || l.Successes("*") != 1 || l.Successes("B") != 0 {
		t.Fatalf("counts: %d %d %d %d %d", l.Calls("A"), l.Calls("A:x"), l.Calls("*"), l.Successes("*"), l.Successes("B"))
	}
	calls, _ := l.Counts()
	calls["A"] = 99 // a copy
	if l.Calls("A") != 1 || !slices.Equal(l.Requests(), []string{"a", "b"}) {
		t.Fatalf("Counts or Requests is not a copy: %d %v", l.Calls("A"), l.Requests())
	}
	for range MaxLoggedRequests {
		l.Record("x")
	}
	if r := l.Requests(); len(r) != MaxLoggedRequests || r[0] != "x" {
		t.Fatalf("the log keeps %d, the oldest %q", len(r), r[0])
	}
	l.Reset()
	if l.Calls("*") != 0 || l.Successes("*") != 0 || l.Requests() != nil {
		t.Fatal("Reset left something")
	}
	all := NewLog[int]("*", nil)
	all.Called("A:x", "B")
	if all.Calls("*") != 2 {
		t.Fatalf("without a filter * sums every name: %d", all.Calls("*"))
	}
}

func TestFaults(t *testing.T) {
	var f Faults
	if f.Take(nil, "A") != "" {
		t.Fatal("a fault from an empty queue")
	}
	f.Add("A", "E1", 2)
	f.Add("A", "E2", 1)
	f.Add("*", "E3", 1)
	onlyE3 := func(name, code string) bool { return name != "*" || code == "E9" }
	var got []string
	for range 5 {
		got = append(got, f.Take(onlyE3, "A", "*"))
	}
	if !slices.Equal(got, []string{"E1", "E1", "E2", "", ""}) {
		t.Fatalf("taken %q", got)
	}
	if c := f.Take(nil, "*"); c != "E3" {
		t.Fatalf("the * fault: %q", c)
	}
	f.Add("A", "E1", 1)
	f.Clear()
	if f.Take(nil, "A") != "" {
		t.Fatal("a fault after Clear")
	}
	for _, n := range []int{0, -1, MaxFaultCount + 1} {
		if CheckCount(n) == nil {
			t.Errorf("count %d accepted", n)
		}
	}
	if CheckCount(1) != nil || CheckCount(MaxFaultCount) != nil {
		t.Error("a count in range refused")
	}
}

func TestListener(t *testing.T) {
	var l Listener
	l.Close() // before Start: nothing
	if l.URL() != "" {
		t.Fatal("a URL before Start")
	}
	url := l.Start("x", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { WriteText(w, 200, "hi\n") }))
	if !strings.HasPrefix(url, "http://127.0.0.1:") || l.URL() != url {
		t.Fatalf("URL %q, %q", url, l.URL())
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "hi\n" || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("%q %q", b, resp.Header.Get("Content-Type"))
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.HasPrefix(r.(string), "x: Start called twice") {
				t.Errorf("second Start: %v", r)
			}
		}()
		l.Start("x", http.NotFoundHandler())
	}()
	l.Close()
	if _, err := http.Get(url); err == nil {
		t.Fatal("still serving after Close")
	}
}

func TestAdminAnswers(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteJSON(rec, map[string]int{"a": 1})
	if rec.Body.String() != "{\n  \"a\": 1\n}\n" || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%q", rec.Body.String())
	}
	rec = httptest.NewRecorder()
	WriteJSON(rec, func() {})
	if rec.Code != http.StatusInternalServerError || !strings.HasPrefix(rec.Body.String(), "encoding JSON: ") {
		t.Fatalf("%d %q", rec.Code, rec.Body.String())
	}
	for q, want := range map[string]int{"": 1, "count=3": 3} {
		r := httptest.NewRequest("POST", "/fail?"+q, nil)
		if n, err := FormCount(r); err != nil || n != want {
			t.Errorf("%q: %d %v", q, n, err)
		}
	}
	if _, err := FormCount(httptest.NewRequest("POST", "/fail?count=x", nil)); err == nil || err.Error() != `count "x" is not a number` {
		t.Errorf("count=x: %v", err)
	}
	if u := UUID(); len(u) != 36 || u[14] != '4' {
		t.Errorf("UUID %q", u)
	}
	if s := RandomString("ab", 64); len(s) != 64 || strings.Trim(s, "ab") != "" {
		t.Errorf("RandomString %q", s)
	}
}
