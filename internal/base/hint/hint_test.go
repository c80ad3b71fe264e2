package hint

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

func TestOfCollectsAlongChain(t *testing.T) {
	base := errors.New("boom")
	inner := With(base, "run stscred add alice")
	outer := With(fmt.Errorf("reading key: %w", inner), "check the keyring", "run stscred add alice")
	got := Of(fmt.Errorf("role prod: %w", outer))
	want := []string{"check the keyring", "run stscred add alice"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Of = %q, want %q", got, want)
	}
	if !errors.Is(outer, base) {
		t.Fatal("hint.Error must unwrap to the original error")
	}
	if outer.Error() != "reading key: boom" {
		t.Fatalf("Error() = %q", outer.Error())
	}
}

func TestWithNil(t *testing.T) {
	if With(nil, "x") != nil {
		t.Fatal("With(nil) must be nil")
	}
	if Of(errors.New("plain")) != nil {
		t.Fatal("plain error has no hints")
	}
}

func TestOfJoined(t *testing.T) {
	err := errors.Join(With(errors.New("a"), "ha"), With(errors.New("b"), "hb"))
	if got := Of(err); !reflect.DeepEqual(got, []string{"ha", "hb"}) {
		t.Fatalf("Of(joined) = %q", got)
	}
}
