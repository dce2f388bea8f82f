package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/polarsource/terraform-provider-polar/internal/emailaddr"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// The seat writer: every assignment and revoke of both seat resources goes
// through it.

// seatWriter assigns and revokes seats for a resource, with the guarantees
// every seat resource gives: an assignment happens once even when answers
// are lost, and a seat is revoked only while it holds the resource's
// recipient. adoptHint tells the user how to bring an existing seat under
// the resource.
type seatWriter struct {
	*providerData
	adoptHint func(c polar.Container, seatID string) string
	// decided is when the revokes of a batch were decided (zero: each
	// revoke is decided when it starts); see checkSince.
	decided time.Time
}

// matchSeats returns the active seats that satisfy pred.
func matchSeats(list *polar.SeatsList, pred func(*polar.CustomerSeat) bool) []polar.CustomerSeat {
	var out []polar.CustomerSeat
	for i := range list.Seats {
		if s := &list.Seats[i]; s.Status.Active() && pred(s) {
			out = append(out, *s)
		}
	}
	return out
}

// recipientMatcher returns a predicate for "this seat holds the recipient of
// req", or nil when the seat list cannot tell (external_customer_id: Polar
// never returns a customer's external id).
func recipientMatcher(req polar.SeatAssign) func(*polar.CustomerSeat) bool {
	switch {
	case req.MemberID != nil:
		return func(s *polar.CustomerSeat) bool { return s.MemberID != nil && *s.MemberID == *req.MemberID }
	case req.ExternalMemberID != nil:
		return func(s *polar.CustomerSeat) bool {
			return s.Member != nil && s.Member.ExternalID != nil && *s.Member.ExternalID == *req.ExternalMemberID
		}
	case req.Email != nil:
		return func(s *polar.CustomerSeat) bool { return s.Email != nil && emailaddr.Equal(*s.Email, *req.Email) }
	case req.CustomerID != nil:
		return func(s *polar.CustomerSeat) bool { return s.CustomerID != nil && *s.CustomerID == *req.CustomerID }
	}
	return nil
}

func recipientDescription(req polar.SeatAssign) string {
	for _, kv := range []struct {
		name string
		v    *string
	}{{"email", req.Email}, {"external_customer_id", req.ExternalCustomerID}, {"customer_id", req.CustomerID}, {"external_member_id", req.ExternalMemberID}, {"member_id", req.MemberID}} {
		if kv.v != nil {
			return fmt.Sprintf("%s = %q", kv.name, *kv.v)
		}
	}
	return "the recipient"
}

// assignOnce assigns a seat exactly once. Polar's assign has no idempotency
// key and a retried success answers 400 SeatAlreadyAssigned, so when an
// attempt's outcome is unknown (no answer, a timeout, a 5xx) it lists the
// container (a list that starts after the failure) and adopts the seat that
// now holds exactly this recipient — but only with evidence that the seat
// is ours: Polar assigned it while one of our unanswered attempts was on its
// way. A seat assigned earlier or later (another workspace, a person in the
// dashboard) is reported, never adopted silently. Only if there is no such
// seat does it try again.
func (sw *seatWriter) assignOnce(ctx context.Context, req polar.SeatAssign) (*polar.CustomerSeat, diag.Diagnostics) {
	const maxAttempts = 4
	var diags diag.Diagnostics
	container := req.Container()
	match := recipientMatcher(req)
	var window *attemptWindow
	var unknownErr error
	for attempt := 1; ; attempt++ {
		sentAt := time.Now()
		seat, err := sw.client.AssignSeat(ctx, req)
		if err == nil {
			sw.seats.RecordWrite(seat)
			return seat, diags
		}
		if !polar.IsOutcomeUnknown(err) {
			if unknownErr != nil && (polar.IsSeatAlreadyAssigned(err) || polar.IsNotSent(err)) {
				// An unanswered attempt may have committed (Polar gives a
				// recipient one active seat per container, so a retry
				// answered SeatAlreadyAssigned suggests it did).
				return sw.resolveUnknownAssign(ctx, req, window, unknownErr, err)
			}
			diags.Append(sw.assignErrorDiag(ctx, req, err)...)
			return nil, diags
		}
		if window == nil {
			window = &attemptWindow{from: sentAt}
		}
		window.to, window.clock = time.Now(), answerClock(err)
		unknownErr = err
		tflog.Warn(ctx, "Seat assignment outcome unknown; checking the container before trying again",
			map[string]any{"container": container.String(), "attempt": attempt, "error": polar.Sanitize(err.Error())})
		found, list, lerr := sw.findAssigned(ctx, container, match)
		// Nothing found (or, for external_customer_id, nothing the list can
		// show): try again; a retry answered SeatAlreadyAssigned is resolved
		// by resolveUnknownAssign.
		if found != nil || lerr != nil || ctx.Err() != nil || attempt >= maxAttempts {
			return sw.resolveFound(ctx, req, window, unknownErr, found, list, lerr)
		}
		select {
		case <-time.After(time.Duration(attempt) * 500 * time.Millisecond):
		case <-ctx.Done():
		}
	}
}

// attemptWindow is when our unanswered attempts were on their way, in local
// time, with a reading of Polar's clock to compare with seat timestamps.
type attemptWindow struct {
	from, to time.Time
	clock    polar.ServerClock
}

// clockSlack covers the Date header's one-second resolution and the time a
// request takes to arrive.
const clockSlack = 2 * time.Second

// admits reports whether Polar assigned the seat while an attempt was on its
// way. Without a reading of Polar's clock nothing is admitted.
func (w *attemptWindow) admits(s *polar.CustomerSeat, listClock polar.ServerClock) bool {
	if w == nil {
		return false
	}
	clock := w.clock
	if !clock.Known() {
		clock = listClock
	}
	if !clock.Known() {
		return false
	}
	at := s.AssignedAt()
	return !at.Before(clock.ToServer(w.from).Add(-clockSlack)) && !at.After(clock.ToServer(w.to).Add(clockSlack))
}

// answerClock is the reading of Polar's clock an error answer carried.
func answerClock(err error) polar.ServerClock {
	if e, ok := polar.AsError(err); ok {
		return e.Clock
	}
	return polar.ServerClock{}
}

// findAssigned lists the container (a list that starts now; briefly past an
// interrupt, so that nothing is lost) and returns the one active seat that
// holds the recipient, if there is exactly one.
func (sw *seatWriter) findAssigned(ctx context.Context, container polar.Container, match func(*polar.CustomerSeat) bool) (*polar.CustomerSeat, *polar.SeatsList, error) {
	lctx, cancel := ctx, context.CancelFunc(func() {})
	if ctx.Err() != nil {
		lctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	}
	defer cancel()
	list, err := sw.seats.Fresh(lctx, container)
	if err != nil || match == nil {
		return nil, list, err
	}
	if found := matchSeats(list, match); len(found) == 1 {
		return &found[0], list, nil
	}
	return nil, list, nil
}

// resolveUnknownAssign decides after a retry answered SeatAlreadyAssigned,
// or could not be sent, following an unanswered attempt.
func (sw *seatWriter) resolveUnknownAssign(ctx context.Context, req polar.SeatAssign, w *attemptWindow, unknownErr, lastErr error) (*polar.CustomerSeat, diag.Diagnostics) {
	found, list, lerr := sw.findAssigned(ctx, req.Container(), recipientMatcher(req))
	if found == nil && lerr == nil && polar.IsSeatAlreadyAssigned(lastErr) && recipientMatcher(req) == nil {
		var diags diag.Diagnostics
		container := req.Container()
		diags.AddError("Seat assignment outcome unknown",
			fmt.Sprintf("An earlier attempt to assign a seat of the %s to %s got no answer (%s), and Polar now reports that %s already holds a seat there, "+
				"most likely assigned by that attempt. Polar's seat list cannot identify a seat by external_customer_id, so the provider cannot adopt it automatically.\n\n%s",
				container, recipientDescription(req), polar.Sanitize(unknownErr.Error()), recipientDescription(req), sw.adoptHint(container, "<seat_id>")))
		return nil, diags
	}
	return sw.resolveFound(ctx, req, w, unknownErr, found, list, lerr)
}

// resolveFound adopts the seat found after an unanswered attempt when the
// evidence says it is ours, and otherwise says exactly what is known.
func (sw *seatWriter) resolveFound(ctx context.Context, req polar.SeatAssign, w *attemptWindow, unknownErr error, found *polar.CustomerSeat, list *polar.SeatsList, lerr error) (*polar.CustomerSeat, diag.Diagnostics) {
	var diags diag.Diagnostics
	container := req.Container()
	if found != nil && w.admits(found, list.Clock) {
		tflog.Info(ctx, "Adopted the seat the unanswered assignment created", map[string]any{"seat_id": found.ID})
		diags.AddWarning("Seat adopted after a lost answer",
			fmt.Sprintf("Polar did not answer the assignment of a seat of the %s to %s (%s). Seat %s, which Polar assigned to %s while that request was on its way, "+
				"is taken as the one this resource assigned and is recorded in state.", container, recipientDescription(req), polar.Sanitize(unknownErr.Error()), found.ID, recipientDescription(req)))
		return found, diags
	}
	if found != nil {
		diags.AddError("Seat not adopted: assigned by someone else",
			fmt.Sprintf("Polar did not answer the assignment of a seat of the %s to %s (%s). Seat %s now holds that recipient, but Polar assigned it at %s, "+
				"outside the time our request was on its way, so it was assigned by someone else (another workspace, a script, the dashboard). "+
				"The provider does not adopt it silently: if this resource should manage it, import it.\n\n%s",
				container, recipientDescription(req), polar.Sanitize(unknownErr.Error()), found.ID, found.AssignedAt().UTC().Format(time.RFC3339), sw.adoptHint(container, found.ID)))
		return nil, diags
	}
	why := "the retries are used up"
	switch {
	case lerr != nil:
		why = "the container could not be listed to check (" + polar.Sanitize(lerr.Error()) + ")"
	case ctx.Err() != nil:
		why = "the operation timed out or was interrupted"
	case recipientMatcher(req) == nil:
		why = "Polar's seat list cannot show a seat by external_customer_id"
	}
	diags.AddError("Seat assignment outcome unknown",
		fmt.Sprintf("Assigning a seat of the %s to %s got no answer from Polar (%s), and %s. The seat may or may not exist. "+
			"Run terraform plan: if the seat exists, adopt it with an import instead of assigning again.\n\n%s",
			container, recipientDescription(req), polar.Sanitize(unknownErr.Error()), why, sw.adoptHint(container, "<seat_id or email>")))
	return nil, diags
}

// existingSeat finds the one active seat that holds a recipient: in the
// shared list first, in a fresh list only when the shared one lacks it (the
// seat was assigned outside this run).
func (sw *seatWriter) existingSeat(ctx context.Context, container polar.Container, match func(*polar.CustomerSeat) bool) (string, bool) {
	if match == nil {
		return "", false
	}
	for _, get := range []func(context.Context, polar.Container) (*polar.SeatsList, error){sw.seats.List, sw.seats.Fresh} {
		if list, err := get(ctx, container); err == nil {
			if found := matchSeats(list, match); len(found) == 1 {
				return found[0].ID, true
			}
		}
	}
	return "", false
}

// assignErrorDiag explains a failed assignment: what, why, what to do.
func (sw *seatWriter) assignErrorDiag(ctx context.Context, req polar.SeatAssign, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	container := req.Container()
	e, _ := polar.AsError(err)
	switch {
	case polar.IsSeatNotAvailable(err) && e != nil && strings.HasPrefix(e.Detail, "No available seats"):
		// Polar has just said available_seats is 0; total_seats does not
		// change with assignments, so the shared list is enough (one call per
		// container however many assignments fail).
		counts := ""
		if list, lerr := sw.seats.List(ctx, container); lerr == nil {
			counts = fmt.Sprintf(" (total_seats = %d, available_seats = 0)", list.TotalSeats)
		}
		diags.AddAttributeError(containerPath(container), "No seat available",
			fmt.Sprintf("The %s has no available seat%s, so %s cannot be assigned. Pending invitations occupy seats until claimed or revoked. "+
				"Free a seat (destroy or revoke another assignment), buy more seats, or remove this resource.\n\nPolar said: %s",
				container, counts, recipientDescription(req), polar.Sanitize(err.Error())))
	case polar.IsSeatAlreadyAssigned(err):
		seatID := "<seat_id>"
		if id, ok := sw.existingSeat(ctx, container, recipientMatcher(req)); ok {
			seatID = id
		}
		diags.AddError("Recipient already holds a seat",
			fmt.Sprintf("%s already holds a seat in the %s, and Polar gives one person one active seat per container. "+
				"The provider does not adopt existing seats silently: import it to manage it with this resource.\n\n%s",
				recipientDescription(req), container, sw.adoptHint(container, seatID)))
	case polar.IsSeatNotAvailable(err) && e != nil && strings.Contains(e.Detail, "must be paid"):
		diags.AddAttributeError(containerPath(container), "Order not paid",
			fmt.Sprintf("The %s is not paid yet, and Polar assigns the seats of an order only once it is paid. Nothing was assigned. "+
				"Apply again after the order is paid, or assign the seat in a subscription instead.\n\nPolar said: %s", container, polar.Sanitize(err.Error())))
	case polar.IsSeatNotAvailable(err):
		diags.AddAttributeError(containerPath(container), "Seat not available", fmt.Sprintf("Polar refused to assign a seat of the %s: %s", container, polar.Sanitize(err.Error())))
	case e != nil && (e.Code == polar.CodeCustomerNotFound || e.Code == polar.CodeMemberNotFound || e.Code == polar.CodeMemberEmailMismatch || e.Code == polar.CodeInvalidSeatAssignmentRequest):
		diags.AddAttributeError(path.Root(firstRecipientAttr(req)), "Recipient not accepted",
			fmt.Sprintf("Polar did not accept %s for the %s: %s. Check that the customer or member exists in the organization (members belong to the billing customer).",
				recipientDescription(req), container, polar.Sanitize(err.Error())))
	case polar.IsNotSent(err):
		diags.AddError("Seat not assigned",
			fmt.Sprintf("The assignment of a seat of the %s to %s was never sent to Polar, so no seat was assigned: %s Apply again.\n\nDetail: %s",
				container, recipientDescription(req), notSentReason(err), polar.Sanitize(err.Error())))
	default:
		diags.Append(sw.apiErrorDiag("Cannot assign a seat of the "+container.String(), err, container, "customer_seats:write")...)
	}
	return diags
}

func firstRecipientAttr(req polar.SeatAssign) string {
	switch {
	case req.Email != nil && req.ExternalMemberID == nil:
		return "email"
	case req.ExternalCustomerID != nil:
		return "external_customer_id"
	case req.CustomerID != nil:
		return "customer_id"
	case req.ExternalMemberID != nil:
		return "external_member_id"
	}
	return "member_id"
}

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
//     (shared with the revokes decided with it: checkList), never one
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
		list, err := sw.checkList(lctx, container, attempt)
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

// describeOccupant names who holds a seat, for messages.
func describeOccupant(s *polar.CustomerSeat) string {
	switch {
	case s.Email != nil:
		return *s.Email
	case s.CustomerEmail != nil:
		return *s.CustomerEmail
	case s.MemberID != nil:
		return "member " + *s.MemberID
	case s.CustomerID != nil:
		return "customer " + *s.CustomerID
	}
	return "another recipient"
}
