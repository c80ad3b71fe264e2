package testsrv

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// WriteText answers an admin request with plain text.
func WriteText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text))
}

// WriteJSON answers an admin request with v as indented JSON, or a 500 when
// it does not encode.
func WriteJSON(w http.ResponseWriter, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		WriteText(w, http.StatusInternalServerError, fmt.Sprintf("encoding JSON: %v\n", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(append(b, '\n'))
}

// FormCount is the count form value of an admin fail request: 1 when it is
// absent.
func FormCount(r *http.Request) (int, error) {
	c := r.FormValue("count")
	if c == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(c)
	if err != nil {
		return 0, fmt.Errorf("count %q is not a number", c)
	}
	return n, nil
}
