package testsrv

import "fmt"

// MaxFaultCount bounds how many requests one injected fault may fail, to
// keep a typo from eating memory.
const MaxFaultCount = 1_000_000

// CheckCount refuses a fault count outside 1-MaxFaultCount.
func CheckCount(count int) error {
	if count < 1 || count > MaxFaultCount {
		return fmt.Errorf("count %d is outside 1-%d", count, MaxFaultCount)
	}
	return nil
}

type fault struct {
	code      string
	remaining int
}

// Faults are queues of injected errors, one per name (an operation, or a
// name that stands for several). The zero value is empty. It is not safe
// for concurrent use: a server guards it with the lock of the rest of its
// state.
type Faults struct {
	q map[string][]fault
}

// Add queues code for the next count requests that take a fault of name,
// after those queued before.
func (f *Faults) Add(name, code string, count int) {
	if f.q == nil {
		f.q = map[string][]fault{}
	}
	f.q[name] = append(f.q[name], fault{code: code, remaining: count})
}

// Clear drops every pending fault.
func (f *Faults) Clear() { clear(f.q) }

// Take consumes the next fault queued under the first of names whose
// queue has one that takes accepts (nil: any), and returns its code, or ""
// when there is none.
func (f *Faults) Take(takes func(name, code string) bool, names ...string) string {
	for _, name := range names {
		q := f.q[name]
		if len(q) == 0 || (takes != nil && !takes(name, q[0].code)) {
			continue
		}
		code := q[0].code
		q[0].remaining--
		if q[0].remaining == 0 {
			q = q[1:]
		}
		if len(q) == 0 {
			delete(f.q, name)
		} else {
			f.q[name] = q
		}
		return code
	}
	return ""
}
