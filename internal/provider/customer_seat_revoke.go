package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// seatRef is a seat a resource holds: where it is, its id, how to tell it
// still holds the resource's recipient, and that recipient for messages.
type seatRef struct {
	container polar.Container
	id        string
	holds     func(*polar.CustomerSeat) bool
	who       string
}

// revoke revokes a seat, but only while it still holds the resource's
// recipient. Polar reuses a revoked row's id for the next
// assignment, for anyone, so:
//   - the ownership check uses a list fetched after this revoke was decided
//     (shared with the revokes deciding at the same moment), never one
//     cached since the plan;
//   - a revoke whose answer is lost is never repeated blindly: the row is
//     looked at again — revoked means done, someone else's means ours was
//     revoked and theirs is left alone, still ours means try again.
func (sw *seatWriter) revoke(ctx context.Context, ref seatRef) diag.Diagnostics {
	const maxAttempts = 3
	var diags diag.Diagnostics
	container, id := ref.container, ref.id
	for attempt := 1; ; attempt++ {
		lctx, cancel := ctx, context.CancelFunc(func() {})
		if attempt > 1 && ctx.Err() != nil {
			// After an unanswered revoke, find out what happened even
			// past an interrupt, so that state tells the truth.
			lctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		}
		list, err := sw.seats.Fresh(lctx, container)
		cancel()
		if err != nil {
			diags.Append(sw.apiErrorDiag("Cannot check seat "+id+" before revoking it", err, container, "customer_seats:read")...)
			return diags
		}
		seat, found := list.Find(id)
		switch {
		case !found:
			tflog.Warn(ctx, "Seat no longer exists; nothing to revoke", map[string]any{"seat_id": id})
			return diags
		case seat.Status == polar.SeatStatusRevoked:
			tflog.Info(ctx, "Seat is revoked", map[string]any{"seat_id": id})
			return diags
		case !ref.holds(&seat):
			diags.AddWarning("Seat "+id+" left alone: it holds someone else now",
				fmt.Sprintf("Seat %s of the %s was revoked outside this run and Polar gave the same row to %s. This resource's seat is gone; "+
					"the other person's seat was not touched.", id, container, describeOccupant(&seat)))
			return diags
		}
		// A list taken just now shows the seat still ours: whatever was
		// tried so far, nothing has been revoked.
		switch {
		case attempt > maxAttempts:
			diags.AddError("Seat "+id+" not revoked",
				fmt.Sprintf("Polar did not answer %d attempts to revoke seat %s of the %s, and the seat still holds %s: nothing was revoked. Run terraform destroy (or apply) again.",
					maxAttempts, id, container, ref.who))
			return diags
		case ctx.Err() != nil:
			diags.AddError("Seat "+id+" not revoked",
				fmt.Sprintf("The operation was interrupted or timed out before seat %s of the %s was revoked; the seat still holds %s. Run the operation again.",
					id, container, ref.who))
			return diags
		}
		revoked, err := sw.client.RevokeSeat(ctx, id)
		switch {
		case err == nil:
			sw.seats.RecordWrite(revoked)
			return diags
		case polar.IsNotFound(err):
			tflog.Warn(ctx, "Seat disappeared before it was revoked", map[string]any{"seat_id": id})
			return diags
		case polar.IsOutcomeUnknown(err):
			tflog.Warn(ctx, "Seat revoke outcome unknown; looking at the seat again", map[string]any{"seat_id": id, "attempt": attempt, "error": polar.Sanitize(err.Error())})
			continue
		case polar.IsNotSent(err):
			diags.AddError("Seat "+id+" not revoked",
				fmt.Sprintf("The revoke of seat %s of the %s was never sent to Polar, so the seat still holds %s: %s Run the operation again.\n\nDetail: %s",
					id, container, ref.who, notSentReason(err), polar.Sanitize(err.Error())))
		default:
			diags.Append(sw.apiErrorDiag("Cannot revoke seat "+id, err, container, "customer_seats:write")...)
		}
		return diags
	}
}
