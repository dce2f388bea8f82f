package testsupport

import (
	"testing"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
)

// Hold holds the next request to method and path in the emulator until the
// test decides (see emulator.Server.Hold: Arrived, Land, LandSilently,
// Drop, Done), failing the test if the hold cannot be armed. When the test
// ends the hold is released — a request still held is dropped — before the
// emulator's listener closes (cleanups run last first, and Emulator's was
// registered before).
func Hold(t testing.TB, srv *emulator.Server, method, path string) *emulator.Held {
	t.Helper()
	h, err := srv.Hold(method, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Release)
	return h
}
