package proc

import (
	"slices"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// TestWordsSplitAsWindows: on Windows a command line keeps its
// backslashes (a --browser or $BROWSER path, a credential_process path)
// and splits as Windows' own CommandLineToArgvW splits it.
func TestWordsSplitAsWindows(t *testing.T) {
	const browser = `C:\Program Files\Mozilla Firefox\firefox.exe`
	if got := Words(`"` + browser + `" --new-window %s`); !slices.Equal(got, []string{browser, "--new-window", "%s"}) {
		t.Errorf("Words of a quoted browser path = %q", got)
	}
	if got := Words(`C:\tools\browser.exe`); !slices.Equal(got, []string{`C:\tools\browser.exe`}) {
		t.Errorf("Words of a browser path = %q", got)
	}
	for _, c := range windowsCases {
		u, err := windows.UTF16PtrFromString(c.line)
		if err != nil {
			t.Fatal(err)
		}
		var n int32
		argv, err := windows.CommandLineToArgv(u, &n)
		if err != nil {
			t.Fatalf("CommandLineToArgv(%q): %v", c.line, err)
		}
		var want []string
		for _, a := range argv[:n] {
			want = append(want, windows.UTF16PtrToString(&a[0]))
		}
		windows.LocalFree(windows.Handle(uintptr(unsafe.Pointer(argv))))
		if got := Words(c.line); !slices.Equal(got, want) {
			t.Errorf("Words(%q) = %q, CommandLineToArgvW says %q", c.line, got, want)
		}
	}
}
