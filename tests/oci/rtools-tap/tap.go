// SPDX-License-Identifier: MIT

// Package tap writes the Test Anything Protocol, version 13
// (testanything.org/tap-version-13-specification.html), with the API of
// the import path github.com/mndrix/tap-go that the opencontainers
// runtime-tools validation cases and runtimetest use. That package is
// not in Debian; tools/runtime-tools.sh builds the suite against this
// one instead (placed at that import path in its GOPATH). It is written
// here from the protocol, and carries only what the suite calls.
package tap

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// T writes one TAP stream. The test counter is shared with the T that
// Todo returns, so numbering stays continuous.
type T struct {
	w    io.Writer
	n    *int
	todo bool
}

// New writes to standard output.
func New() *T {
	return &T{w: os.Stdout, n: new(int)}
}

func (t *T) printf(format string, a ...interface{}) {
	fmt.Fprintf(t.w, format, a...)
}

// Header starts the stream: the version line, then the plan when the
// number of tests is known in advance (0: AutoPlan gives it at the end).
func (t *T) Header(tests int) {
	t.printf("TAP version 13\n")
	if tests > 0 {
		t.printf("1..%d\n", tests)
	}
}

// AutoPlan writes the plan after the tests: as many as were written.
func (t *T) AutoPlan() {
	t.printf("1..%d\n", *t.n)
}

// Count is the number of test lines written so far.
func (t *T) Count() int {
	return *t.n
}

// oneLine keeps a description on its test line; a '#' in it would read
// as a directive (SKIP, TODO), so it is escaped as the protocol says.
func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\\", "\\\\")
	s = strings.ReplaceAll(s, "#", "\\#")
	return strings.ReplaceAll(s, "\n", " ")
}

// Ok writes "ok N - DESCRIPTION" or "not ok N - DESCRIPTION" (with
// "# TODO" after it on a T from Todo).
func (t *T) Ok(test bool, description string) {
	*t.n++
	status := "ok"
	if !test {
		status = "not ok"
	}
	line := fmt.Sprintf("%s %d", status, *t.n)
	if description != "" {
		line += " - " + oneLine(description)
	}
	if t.todo {
		line += " # TODO"
	}
	t.printf("%s\n", line)
}

// Pass is Ok(true, ...), Fail is Ok(false, ...).
func (t *T) Pass(description string) { t.Ok(true, description) }

// Fail writes a failing test line.
func (t *T) Fail(description string) { t.Ok(false, description) }

// Skip writes COUNT passing lines with the SKIP directive and a reason.
func (t *T) Skip(count int, description string) {
	for i := 0; i < count; i++ {
		*t.n++
		t.printf("ok %d # SKIP %s\n", *t.n, oneLine(description))
	}
}

// Todo returns a T whose test lines carry the TODO directive: a known
// gap, reported but not counted as a failure.
func (t *T) Todo() *T {
	return &T{w: t.w, n: t.n, todo: true}
}

// Diagnostic writes MESSAGE as comment lines ("# ...").
func (t *T) Diagnostic(message string) {
	for _, l := range strings.Split(strings.TrimRight(message, "\n"), "\n") {
		t.printf("# %s\n", l)
	}
}

// Diagnosticf is Diagnostic with a format.
func (t *T) Diagnosticf(format string, a ...interface{}) {
	t.Diagnostic(fmt.Sprintf(format, a...))
}

// YAML writes MESSAGE as the YAML block that follows a test line,
// indented by two spaces between "---" and "...". JSON is YAML (1.2), so
// encoding/json writes it; a value it cannot encode is the error.
func (t *T) YAML(message interface{}) error {
	b, err := json.MarshalIndent(message, "  ", "  ")
	if err != nil {
		return err
	}
	t.printf("  ---\n  %s\n  ...\n", b)
	return nil
}
