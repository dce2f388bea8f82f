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
		return func(s *polar.CustomerSeat) bool {
			return s.CustomerID != nil && *s.CustomerID == *req.CustomerID && !memberPathSeat(s)
		}
	}
	return nil
}

// memberPathSeat reports a seat Polar assigned through its member path (a
// member-model organization, or a seat assigned by member): its
// customer_id is the billing customer, shared by every member's seat, so it
// does not tell who holds the seat. A seat of the legacy path has the
// person's own customer, and a member under the billing customer (none
// when the customer has no email). The billing customer's own legacy seat
// looks the same and is not told apart either: better unknown than another
// person's seat.
func memberPathSeat(s *polar.CustomerSeat) bool {
	return s.MemberID != nil && (s.Member == nil || s.CustomerID == nil || s.Member.CustomerID == *s.CustomerID)
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
// attempt's outcome is unknown (no answer, a timeout, a 5xx) the container
// is listed and assignment.decide says what the list shows; only if it
// shows nothing is the assignment tried again.
func (sw *seatWriter) assignOnce(ctx context.Context, req polar.SeatAssign) (*polar.CustomerSeat, diag.Diagnostics) {
	const maxAttempts = 4
	a := sw.newAssignment(req)
	for attempt := 1; ; attempt++ {
		sentAt := time.Now()
		seat, err := sw.client.AssignSeat(ctx, req)
		switch {
		case err == nil:
			sw.seats.RecordWrite(seat)
			return seat, nil
		case polar.IsOutcomeUnknown(err):
			a.answerLost(ctx, attempt, sentAt, err)
			if seat, diags, again := a.decide(ctx, nil, attempt < maxAttempts); !again {
				return seat, diags
			}
		case a.lost != nil && (refusedForLostAttempt(err) || polar.IsNotSent(err)):
			// A retry after a lost answer that Polar refused in a way the
			// lost attempt explains if it landed in the meantime (already
			// assigned: Polar gives a recipient one active seat per
			// container; no seat available: it took the last one), or that
			// could not be sent: the list decides. The lost attempt was on
			// its way until at least this refusal.
			if refusedForLostAttempt(err) {
				a.window.to, a.window.clock = time.Now(), answerClock(err)
			}
			seat, diags, _ := a.decide(ctx, err, false)
			return seat, diags
		default:
			return nil, a.refused(ctx, err)
		}
		select {
		case <-time.After(time.Duration(attempt) * sw.timing().assignStep):
		case <-ctx.Done():
		}
	}
}

// refusedForLostAttempt reports a refusal of an assignment that an earlier
// attempt of the same assignment explains, had it landed: the recipient
// already holds a seat, or the container has no seat left.
func refusedForLostAttempt(err error) bool {
	return polar.IsSeatAlreadyAssigned(err) || noSeatLeft(err)
}

// noSeatLeft reports Polar's refusal of an assignment because the container
// has no available seat (not the other SeatNotAvailable reasons, such as an
// unpaid order).
func noSeatLeft(err error) bool {
	e, ok := polar.AsError(err)
	return ok && polar.IsSeatNotAvailable(err) && strings.HasPrefix(e.Detail, "No available seats")
}

// assignment is one assignOnce: the request, its recipient, and what is
// known of the attempts whose answer was lost.
type assignment struct {
	*seatWriter
	req       polar.SeatAssign
	container polar.Container
	// who names the recipient in messages.
	who string
	// holds tells the recipient's seats in a list; nil when the list cannot
	// show them (external_customer_id: Polar never returns a customer's
	// external id).
	holds func(*polar.CustomerSeat) bool
	// window is when the attempts whose answer was lost were on their way,
	// and lost the last such attempt's error; nil until an answer is lost.
	window *attemptWindow
	lost   error
}

func (sw *seatWriter) newAssignment(req polar.SeatAssign) *assignment {
	return &assignment{seatWriter: sw, req: req, container: req.Container(), who: recipientDescription(req), holds: recipientMatcher(req)}
}

// answerLost records an attempt whose outcome is unknown.
func (a *assignment) answerLost(ctx context.Context, attempt int, sentAt time.Time, err error) {
	if a.window == nil {
		a.window = &attemptWindow{from: sentAt}
	}
	a.window.to, a.window.clock = time.Now(), answerClock(err)
	a.lost = err
	tflog.Warn(ctx, "Seat assignment outcome unknown; checking the container before trying again",
		map[string]any{"container": a.container.String(), "attempt": attempt, "error": polar.Sanitize(err.Error())})
}

// decide lists the container after an answer was lost — a list that starts
// now — and decides, in this order:
//   - a seat holds the recipient and Polar assigned it while one of our
//     unanswered attempts was on its way: it is ours, adopted with a warning;
//   - a seat holds the recipient but was assigned outside that time (another
//     workspace, a person in the dashboard): reported, never adopted;
//   - the container cannot be listed: the outcome is unknown;
//   - a retry was refused as SeatAlreadyAssigned and the list cannot show
//     the recipient: most likely ours, but it cannot be adopted;
//   - the operation has ended: the outcome is unknown;
//   - nothing holds the recipient and another attempt may be made
//     (mayRetry): again is true;
//   - a retry was refused for no seat left and the list shows the
//     container full: no seat available, and the error says so;
//   - a retry was refused or not sent: the outcome is unknown (the
//     unanswered attempt may still land), and the error says why;
//   - otherwise the outcome is unknown, and the error says why.
//
// refused is the retry's error when a retry after the lost answer was
// refused or not sent, nil otherwise.
func (a *assignment) decide(ctx context.Context, refused error, mayRetry bool) (seat *polar.CustomerSeat, diags diag.Diagnostics, again bool) {
	holding, list, lerr := a.findAssigned(ctx, a.container, a.holds)
	var found *polar.CustomerSeat
	if len(holding) == 1 {
		found = &holding[0]
	}
	switch {
	case found != nil && a.window.admits(found, list.Clock):
		tflog.Info(ctx, "Adopted the seat the unanswered assignment created", map[string]any{"seat_id": found.ID})
		diags.AddWarning("Seat adopted after a lost answer",
			fmt.Sprintf("Polar did not answer the assignment of a seat of the %s to %s (%s). Seat %s, which Polar assigned to %s while that request was on its way, "+
				"is taken as the one this resource assigned and is recorded in state.", a.container, a.who, a.lostText(), found.ID, a.who))
		return found, diags, false
	case found != nil:
		diags.AddError("Seat not adopted: assigned by someone else",
			fmt.Sprintf("Polar did not answer the assignment of a seat of the %s to %s (%s). Seat %s now holds that recipient, but Polar assigned it at %s, "+
				"outside the time our request was on its way, so it was most likely assigned by someone else (another workspace, a script, the dashboard). "+
				"The provider does not adopt it silently: if this resource should manage it, import it.\n\n%s",
				a.container, a.who, a.lostText(), found.ID, found.AssignedAt().UTC().Format(time.RFC3339), a.adoptHint(a.container, found.ID)))
		return nil, diags, false
	case lerr != nil:
		return nil, a.outcomeUnknown("the container could not be listed to check (" + polar.Sanitize(lerr.Error()) + ")"), false
	case len(holding) > 1:
		// (A legacy organization's customer can hold a seat assigned by
		// email and one assigned through its member.)
		return nil, a.outcomeUnknown(fmt.Sprintf("the list shows %d seats that hold the recipient (%s), and the provider cannot tell which, if any, "+
			"the unanswered attempt assigned", len(holding), strings.Join(seatIDs(holding), ", "))), false
	case a.holds == nil && polar.IsSeatAlreadyAssigned(refused):
		diags.AddError("Seat assignment outcome unknown",
			fmt.Sprintf("An earlier attempt to assign a seat of the %s to %s got no answer (%s), and Polar now reports that %s already holds a seat there, "+
				"most likely assigned by that attempt. Polar's seat list cannot identify a seat by external_customer_id, so the provider cannot adopt it automatically.\n\n%s",
				a.container, a.who, a.lostText(), a.who, a.adoptHint(a.container, "<seat_id>")))
		return nil, diags, false
	case ctx.Err() != nil:
		return nil, a.outcomeUnknown("the operation timed out or was interrupted"), false
	case mayRetry:
		// Nothing holds the recipient (or, for external_customer_id,
		// nothing the list can show): try again.
		return nil, nil, true
	case a.holds == nil:
		return nil, a.outcomeUnknown("Polar's seat list cannot show a seat by external_customer_id"), false
	case polar.IsSeatNotAvailable(refused) && list.AvailableSeats == 0 && a.req.CustomerID == nil:
		// (By customer_id the list may not show the seat: a member-model
		// organization shows the billing customer's id on it.)
		return nil, a.fullAfterLostAnswer(list, refused), false
	case refusedForLostAttempt(refused):
		shows := "the list shows no seat for the recipient: the unanswered attempt may still land"
		if a.req.CustomerID != nil {
			shows = "the list shows no seat it can tell is the recipient's (in a member-model organization a seat assigned by customer_id shows " +
				"the billing customer's id): the unanswered attempt may have assigned one, or may still"
		}
		return nil, a.outcomeUnknown("a retry was refused (" + polar.Sanitize(refused.Error()) + ") although " + shows), false
	case refused != nil:
		return nil, a.outcomeUnknown("a retry could not be sent (" + polar.Sanitize(refused.Error()) + ")"), false
	default:
		return nil, a.outcomeUnknown("the retries are used up"), false
	}
}

// fullAfterLostAnswer explains a retry refused for no seat left when the
// list taken after it shows the container full and no seat for the
// recipient: the unanswered attempt assigned nothing the list shows so far,
// but may still, if it is on its way and a seat is freed (by another
// resource of the same apply, too): the outcome is unknown, and the counts
// say why and what to do.
func (a *assignment) fullAfterLostAnswer(list *polar.SeatsList, refused error) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddAttributeError(containerPath(a.container), "Seat assignment outcome unknown",
		fmt.Sprintf("Assigning a seat of the %s to %s got no answer from Polar (%s), and a retry was refused: the %s has no available seat "+
			"(total_seats = %d, available_seats = 0), and its seat list shows none for %s, so the unanswered attempt has assigned none so far. "+
			"If it is still on its way, it lands as soon as a seat is freed — another resource of this apply may free one. Pending invitations occupy seats until claimed or revoked. "+
			"Free a seat (destroy or revoke another assignment) or buy more seats, then run terraform plan: if %s holds a seat by then, "+
			"import it instead of assigning again.\n\n%s\n\nPolar said: %s",
			a.container, a.who, a.lostText(), a.container, list.TotalSeats, a.who, a.who, a.adoptHint(a.container, "<seat_id or email>"), polar.Sanitize(refused.Error())))
	return diags
}

// lostText is the lost attempt's error, for messages.
func (a *assignment) lostText() string { return polar.Sanitize(a.lost.Error()) }

// outcomeUnknown says that the seat may or may not exist, and why the
// provider cannot tell.
func (a *assignment) outcomeUnknown(why string) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddError("Seat assignment outcome unknown",
		fmt.Sprintf("Assigning a seat of the %s to %s got no answer from Polar (%s), and %s. The seat may or may not exist. "+
			"Run terraform plan: if the seat exists, adopt it with an import instead of assigning again.\n\n%s",
			a.container, a.who, a.lostText(), why, a.adoptHint(a.container, "<seat_id or email>")))
	return diags
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
// interrupt, so that nothing is lost) and returns the active seats that hold
// the recipient.
func (sw *seatWriter) findAssigned(ctx context.Context, container polar.Container, match func(*polar.CustomerSeat) bool) ([]polar.CustomerSeat, *polar.SeatsList, error) {
	lctx, cancel := ctx, context.CancelFunc(func() {})
	if ctx.Err() != nil {
		lctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	}
	defer cancel()
	list, err := sw.seats.Fresh(lctx, container)
	if err != nil || match == nil {
		return nil, list, err
	}
	return matchSeats(list, match), list, nil
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

// refused explains an assignment Polar refused, or that was never sent:
// what, why, what to do.
func (a *assignment) refused(ctx context.Context, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	container := a.container
	e, _ := polar.AsError(err)
	switch {
	case noSeatLeft(err):
		// Polar has just said available_seats is 0; total_seats does not
		// change with assignments, so the shared list is enough (one call per
		// container however many assignments fail).
		counts := ""
		if list, lerr := a.seats.List(ctx, container); lerr == nil {
			counts = fmt.Sprintf(" (total_seats = %d, available_seats = 0)", list.TotalSeats)
		}
		diags.AddAttributeError(containerPath(container), "No seat available",
			fmt.Sprintf("The %s has no available seat%s, so %s cannot be assigned. Pending invitations occupy seats until claimed or revoked. "+
				"Free a seat (destroy or revoke another assignment), buy more seats, or remove this resource.\n\nPolar said: %s",
				container, counts, a.who, polar.Sanitize(err.Error())))
	case polar.IsSeatAlreadyAssigned(err):
		seatID := "<seat_id>"
		if id, ok := a.existingSeat(ctx, container, a.holds); ok {
			seatID = id
		}
		diags.AddError("Recipient already holds a seat",
			fmt.Sprintf("%s already holds a seat in the %s, and Polar gives one person one active seat per container. "+
				"The provider does not adopt existing seats silently: import it to manage it with this resource.\n\n%s",
				a.who, container, a.adoptHint(container, seatID)))
	case polar.IsSeatNotAvailable(err) && e != nil && strings.Contains(e.Detail, "must be paid"):
		diags.AddAttributeError(containerPath(container), "Order not paid",
			fmt.Sprintf("The %s is not paid yet, and Polar assigns the seats of an order only once it is paid. Nothing was assigned. "+
				"Apply again after the order is paid, or assign the seat in a subscription instead.\n\nPolar said: %s", container, polar.Sanitize(err.Error())))
	case polar.IsSeatNotAvailable(err):
		diags.AddAttributeError(containerPath(container), "Seat not available", fmt.Sprintf("Polar refused to assign a seat of the %s: %s", container, polar.Sanitize(err.Error())))
	case e != nil && (e.Code == polar.CodeCustomerNotFound || e.Code == polar.CodeMemberNotFound || e.Code == polar.CodeMemberEmailMismatch || e.Code == polar.CodeInvalidSeatAssignmentRequest):
		diags.AddAttributeError(path.Root(firstRecipientAttr(a.req)), "Recipient not accepted",
			fmt.Sprintf("Polar did not accept %s for the %s: %s. Check that the customer or member exists in the organization (members belong to the billing customer).",
				a.who, container, polar.Sanitize(err.Error())))
	case polar.IsNotSent(err):
		diags.AddError("Seat not assigned",
			fmt.Sprintf("The assignment of a seat of the %s to %s was never sent to Polar, so no seat was assigned: %s Apply again.\n\nDetail: %s",
				container, a.who, notSentReason(err), polar.Sanitize(err.Error())))
	default:
		diags.Append(a.apiErrorDiag("Cannot assign a seat of the "+container.String(), err, container, "customer_seats:write")...)
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
	// unanswered is when an earlier revoke of this seat was sent and got no
	// answer (kept in private state); zero when there was none.
	unanswered time.Time
}

// revokeSettleWindow is how long after an unanswered revoke the provider
// takes it as one that will no longer land. Until then no second DELETE of
// the seat is sent: Polar reuses a revoked row's id for the next
// assignment, so a late first DELETE would revoke whoever got the row
// after the second freed it. Tests shrink it through the provider's
// writeTiming.
const revokeSettleWindow = 2 * time.Minute

// revokePollInterval is the first wait between the lists that look for an
// unanswered revoke's outcome; each wait doubles, up to revokePollMax.
// Tests shrink them through the provider's writeTiming.
const (
	revokePollInterval = 500 * time.Millisecond
	revokePollMax      = 10 * time.Second
)

// assignRetryStep is the wait before another attempt of an assignment
// whose answer was lost, times the attempts made.
const assignRetryStep = 500 * time.Millisecond

// writeTiming is how long a provider waits between the attempts and looks
// of its writes: the package's values unless a test gives a provider its
// own (so that tests running side by side need not share them).
type writeTiming struct {
	settleWindow, pollInterval, pollMax, assignStep time.Duration
}

// timing is the provider's write timing.
func (sw *seatWriter) timing() writeTiming {
	if sw.providerData != nil && sw.providerData.timing != nil {
		return *sw.providerData.timing
	}
	return writeTiming{settleWindow: revokeSettleWindow, pollInterval: revokePollInterval, pollMax: revokePollMax, assignStep: assignRetryStep}
}

// revokeSends bounds the DELETEs one revoke sends, each after the previous
// one's settle window.
const revokeSends = 3

// revoke revokes a seat, but only while it still holds the resource's
// recipient, and never while an earlier revoke of it may still land. Polar
// reuses a revoked row's id for the next assignment, for anyone, so:
//   - the ownership check uses a list fetched after this revoke was decided
//     (shared with the revokes decided with it: checkList), never one
//     cached since the plan;
//   - a revoke whose outcome is unknown (no answer, a timeout, a 5xx) is
//     settled by looking at the row, paced, until the operation's time runs
//     out: revoked means done, someone else's means ours is gone and theirs
//     is left alone, still ours means it may still land — keep looking. A
//     new DELETE is sent only once revokeSettleWindow has passed since the
//     unanswered one (in this apply or, through ref.unanswered, an earlier
//     one).
//
// It returns when the last unanswered revoke of the seat went unanswered
// while the seat is not settled (the caller keeps it in private state), or
// zero when no revoke of the seat can still land.
func (sw *seatWriter) revoke(ctx context.Context, ref seatRef) (time.Time, diag.Diagnostics) {
	var diags diag.Diagnostics
	container, id := ref.container, ref.id
	unanswered, lastErr := ref.unanswered, error(nil)
	tm := sw.timing()
	wait := tm.pollInterval
	looked := false // since the last unanswered revoke
	for sends, looks := 0, 0; ; looks++ {
		seat, found, err := sw.lookAt(ctx, container, id, !looked && lastErr != nil, looks == 0)
		looked = true
		if err != nil {
			if !unanswered.IsZero() {
				diags.Append(sw.unansweredRevokeDiag(ref, unanswered, lastErr, "the container could not be listed to check ("+polar.Sanitize(err.Error())+")")...)
				return unanswered, diags
			}
			diags.Append(sw.apiErrorDiag("Cannot check seat "+id+" before revoking it", err, container, "customer_seats:read")...)
			return unanswered, diags
		}
		switch {
		case !found:
			tflog.Warn(ctx, "Seat no longer exists; nothing to revoke", map[string]any{"seat_id": id})
			return time.Time{}, diags
		case seat.Status == polar.SeatStatusRevoked:
			tflog.Info(ctx, "Seat is revoked", map[string]any{"seat_id": id})
			return time.Time{}, diags
		case !ref.holds(&seat):
			diags.AddWarning("Seat "+id+" left alone: it holds someone else now",
				fmt.Sprintf("Seat %s of the %s was revoked and Polar gave the same row to %s. This resource's seat is gone; "+
					"the other person's seat was not touched.", id, container, describeOccupant(&seat)))
			return time.Time{}, diags
		}
		// A list taken just now shows the seat still ours.
		if settles := unanswered.Add(tm.settleWindow); !unanswered.IsZero() && time.Now().Before(settles) {
			// An earlier revoke may still land: wait for it, never send
			// another, which could free the row for the next person first.
			if ctx.Err() != nil || !sleepCtx(ctx, min(wait, time.Until(settles))) {
				diags.Append(sw.unansweredRevokeDiag(ref, unanswered, lastErr, "the operation was interrupted or its time ran out before it settled")...)
				return unanswered, diags
			}
			wait = min(2*wait, tm.pollMax)
			continue
		}
		switch {
		case lastErr != nil:
			// The settle window of a revoke sent in this operation has
			// passed and the seat is still ours: the revoke may still
			// land at any time (a held request), so no second revoke is
			// sent in this operation. The next apply looks again.
			diags.Append(sw.unansweredRevokeDiag(ref, unanswered, lastErr, "it had not been carried out when the provider stopped waiting")...)
			return unanswered, diags
		case sends >= revokeSends:
			diags.AddError("Seat "+id+" not revoked",
				fmt.Sprintf("Polar did not answer %d revokes of seat %s of the %s, and after waiting %s for each the seat still holds %s: none was carried out. "+
					"Run terraform apply (or destroy) again later.", sends, id, container, tm.settleWindow, ref.who))
			return unanswered, diags
		case ctx.Err() != nil:
			diags.AddError("Seat "+id+" not revoked",
				fmt.Sprintf("The operation was interrupted or timed out before seat %s of the %s was revoked; the seat still holds %s. Run the operation again.",
					id, container, ref.who))
			return unanswered, diags
		}
		revoked, err := sw.client.RevokeSeat(ctx, id)
		sends++
		switch {
		case err == nil:
			sw.seats.RecordWrite(revoked)
			return time.Time{}, diags
		case polar.IsNotFound(err):
			tflog.Warn(ctx, "Seat disappeared before it was revoked", map[string]any{"seat_id": id})
			return time.Time{}, diags
		case polar.IsOutcomeUnknown(err):
			tflog.Warn(ctx, "Seat revoke outcome unknown; looking at the seat until it settles", map[string]any{"seat_id": id, "error": polar.Sanitize(err.Error())})
			unanswered, lastErr, looked, wait = time.Now(), err, false, tm.pollInterval
			continue
		case polar.IsNotSent(err):
			diags.AddError("Seat "+id+" not revoked",
				fmt.Sprintf("The revoke of seat %s of the %s was never sent to Polar, so the seat still holds %s: %s Run the operation again.\n\nDetail: %s",
					id, container, ref.who, notSentReason(err), polar.Sanitize(err.Error())))
		default:
			diags.Append(sw.apiErrorDiag("Cannot revoke seat "+id, err, container, "customer_seats:write")...)
		}
		return unanswered, diags
	}
}

// lookAt finds a seat in a fresh list of its container. After an
// unanswered revoke (pastInterrupt) it looks even past an interrupt or the
// operation's timeout, briefly, so that state tells the truth.
//
// The first look of a revoke decided with others (first) may read the list
// of its batch (checkList); every later look reads one that starts now.
func (sw *seatWriter) lookAt(ctx context.Context, c polar.Container, id string, pastInterrupt, first bool) (polar.CustomerSeat, bool, error) {
	lctx, cancel := ctx, context.CancelFunc(func() {})
	if pastInterrupt && ctx.Err() != nil {
		lctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	}
	defer cancel()
	attempt := 2
	if first {
		attempt = 1
	}
	list, err := sw.checkList(lctx, c, attempt)
	if err != nil {
		return polar.CustomerSeat{}, false, err
	}
	seat, found := list.Find(id)
	return seat, found, nil
}

// unansweredRevokeDiag says what is known about a revoke that was sent and
// not answered and could not be settled: Polar may still carry it out, so
// the seat stays in state, and the next apply looks before sending again.
func (sw *seatWriter) unansweredRevokeDiag(ref seatRef, at time.Time, err error, why string) diag.Diagnostics {
	var diags diag.Diagnostics
	answer := "in an earlier run"
	if err != nil {
		answer = "(" + polar.Sanitize(err.Error()) + ")"
	}
	diags.AddError("Seat "+ref.id+": revoke outcome unknown",
		fmt.Sprintf("The revoke of seat %s of the %s (%s) was sent and not answered %s, and %s: at the last look the seat still held %s. "+
			"Polar may still carry the revoke out, so the seat is kept in state and no second revoke was sent (Polar reuses a revoked seat's row for the next "+
			"person, whom a late first revoke would then hit). Run terraform apply again later: the next apply looks at the seat first, and sends a new revoke "+
			"only if the seat still holds %s after %s UTC (%s after the unanswered one).",
			ref.id, ref.container, ref.who, answer, why, ref.who, ref.who, at.Add(sw.timing().settleWindow).UTC().Format(time.DateTime), sw.timing().settleWindow))
	return diags
}

// sleepCtx waits d, or until ctx ends; it reports whether the wait ran out.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
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
