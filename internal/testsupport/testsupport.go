// Package testsupport holds what the tests of several packages share:
// starting the in-process emulator, and small helpers. (The emulator's own
// typed hooks — InjectFault, SetSeats, InvitationToken, … — are methods of
// emulator.Server.)
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
