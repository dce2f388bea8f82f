package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
)

// An interrupt before a revoke is sent says the seat was not revoked, not
// that anything failed at Polar or that the outcome is unknown.
func TestSeatWriter_trust_revokeInterruptedBeforeSending(t *testing.T) {
	emu, url := testsupport.Emulator(t, nil)
	client, err := polar.NewClient(polar.Config{BaseURL: url, Token: emulator.DemoToken})
	if err != nil {
		t.Fatal(err)
	}
	seat, err := client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: str(emulator.DemoSubscriptionID), Email: str("kept@acme.io")})
	if err != nil {
		t.Fatal(err)
	}
	r := &customerSeatResource{data: &providerData{client: client, seats: newSeatCache(client), endpoint: url, tokenSource: "a test"}}
	m := importedModel(seat)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	diags := r.revoke(ctx, &m, occupantOf(seat))
	msg := fmt.Sprint(diags)
	if !diags.HasError() || strings.Contains(msg, "outcome unknown") || strings.Contains(msg, "The Polar API call failed") || !strings.Contains(msg, "nothing was changed") {
		t.Fatalf("diagnostics %s", msg)
	}
	if _, by := emu.Requests(); by["DELETE /v1/customer-seats/{seat_id}"] != 0 {
		t.Fatal("a revoke was sent after the interrupt")
	}
}
