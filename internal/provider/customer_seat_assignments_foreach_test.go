package provider

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// forEach runs every item while the operation lives, and once it has ended
// starts none: the items are returned as skipped, with one error that says
// nothing was sent for them.
func TestForEachSkipsWhatItCannotStart(t *testing.T) {
	c := polar.Container{Kind: polar.ContainerSubscription, ID: "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"}
	items := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	var calls atomic.Int32
	fn := func(s string) (heldSeat, bool, diag.Diagnostics) {
		calls.Add(1)
		return heldSeat{id: s}, s != "c", nil
	}

	kept, skipped, diags := forEach(context.Background(), "assigned", c, items, fn)
	if calls.Load() != 10 || len(kept) != 9 || len(skipped) != 0 || diags.HasError() {
		t.Fatalf("live: %d calls, %d kept, %d skipped, %v", calls.Load(), len(kept), len(skipped), diags)
	}

	calls.Store(0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	kept, skipped, diags = forEach(ctx, "revoked", c, items, fn)
	if calls.Load() != 0 || len(kept) != 0 || len(skipped) != 10 {
		t.Fatalf("ended: %d calls, %d kept, %d skipped", calls.Load(), len(kept), len(skipped))
	}
	if len(diags) != 1 || !strings.Contains(diags[0].Summary(), "10 seats of the subscription") ||
		!strings.Contains(diags[0].Detail(), "nothing was sent for them") {
		t.Fatalf("ended: diagnostics %v", diags)
	}
}
