package testsupport

import (
	"net/http"
	"strings"
	"testing"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
)

// A hold armed through Hold is released when its test ends: the request it
// still holds is dropped (no answer, nothing applied), so the emulator's
// listener can close.
func TestHold_cleanup_releasedWhenTheTestEnds(t *testing.T) {
	srv, url := Emulator(t, nil)
	answered := make(chan error, 1)
	t.Run("holds an assignment and ends undecided", func(t *testing.T) {
		h := Hold(t, srv, http.MethodPost, "/v1/customer-seats")
		go func() {
			req, _ := http.NewRequest(http.MethodPost, url+"/v1/customer-seats",
				strings.NewReader(`{"subscription_id": "`+emulator.DemoSubscriptionID+`", "email": "held@acme.io"}`))
			req.Header.Set("Authorization", "Bearer "+emulator.DemoToken)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err == nil {
				_ = res.Body.Close()
			}
			answered <- err
		}()
		<-h.Arrived()
	})
	if err := <-answered; err == nil {
		t.Fatal("the request held when the subtest ended was answered")
	}
	if state := srv.State(); len(state.Organizations[0].Seats) != 0 {
		t.Fatalf("the request held when the subtest ended was applied: %+v", state.Organizations[0].Seats)
	}
}
