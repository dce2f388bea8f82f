// Package testsupport holds what the tests of several packages share:
// starting the in-process emulator, an intercepting server in front of it
// (Intercept: see each request first, hold back or lose the answer), and
// small helpers. (The emulator's own typed hooks — InjectFault, SetSeats,
// InvitationToken, … — are methods of emulator.Server. The emulator keeps
// its own answer recorder for its faults: it cannot import this package,
// which imports it.)
package testsupport

import (
	"net/http/httptest"
	"testing"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
)

// Emulator starts an in-process emulator with the fixture (nil: the demo
// fixture) for the rest of the test and returns it and its base URL.
func Emulator(t testing.TB, f *emulator.Fixture) (*emulator.Server, string) {
	t.Helper()
	srv, err := emulator.New(f)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// Ptr returns a pointer to v, for optional request fields.
func Ptr[T any](v T) *T { return &v }

// InvitationToken returns the invitation token of a pending seat (what
// Polar mails), failing the test when the seat has none.
func InvitationToken(t testing.TB, srv *emulator.Server, seatID string) string {
	t.Helper()
	tok, ok := srv.InvitationToken(seatID)
	if !ok {
		t.Fatalf("seat %s has no invitation token", seatID)
	}
	return tok
}

// InjectFault injects a fault into the emulator, failing the test on error.
func InjectFault(t testing.TB, srv *emulator.Server, f emulator.Fault) {
	t.Helper()
	if err := srv.InjectFault(f); err != nil {
		t.Fatal(err)
	}
}
