package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// resendSelection is what an invocation asks for: a container, optionally
// narrowed to some emails or seat ids (nil: not narrowed), a minimum age,
// and whether expired invitations are reissued.
type resendSelection struct {
	container polar.Container
	emails    []string
	seatIDs   []string
	minAge    time.Duration
	reissue   bool
}

// resendPlan is what one list of the container decides: the invitations to
// resend, those to reissue, the seats skipped and why, and the configured
// seat ids that are refused (nothing is sent when there is one).
type resendPlan struct {
	send, reissue []polar.CustomerSeat
	skipped       []string
	expired       []string // skipped because the link expired: a warning says what to do
	unmatched     []string // emails that hold no pending seat: a warning names them
	refused       []refusedSeat
	revokedRows   int
}

type refusedSeat struct {
	index int
	why   string
}

// seatLabel names a seat for people: who holds it, and its id.
func seatLabel(s *polar.CustomerSeat) string {
	if s.Status == polar.SeatStatusRevoked {
		return "seat " + s.ID + " (revoked)"
	}
	return describeOccupant(s) + " (seat " + s.ID + ")"
}

// invitationEmail is the address Polar mails a seat's invitation to.
func invitationEmail(s *polar.CustomerSeat) (string, bool) {
	switch {
	case s.Email != nil:
		return *s.Email, true
	case s.CustomerEmail != nil:
		return *s.CustomerEmail, true
	}
	return "", false
}

// planResend decides, from one list, what happens to each seat. now is
// Polar's clock: an invitation expires when its expiry is before now.
func planResend(sel resendSelection, list *polar.SeatsList, now time.Time) resendPlan {
	var p resendPlan
	var candidates []polar.CustomerSeat
	switch {
	case sel.seatIDs != nil:
		candidates = p.selectSeatIDs(sel, list)
	case sel.emails != nil:
		candidates = p.selectEmails(sel, list)
	default:
		candidates = p.selectPending(list)
	}
	for _, s := range candidates {
		p.decide(sel, s, now)
	}
	return p
}

// selectSeatIDs: the seats named by id; a claimed, revoked or unknown one is
// refused (the action then sends nothing at all).
func (p *resendPlan) selectSeatIDs(sel resendSelection, list *polar.SeatsList) (candidates []polar.CustomerSeat) {
	for i, id := range sel.seatIDs {
		s, found := list.Find(id)
		switch {
		case !found:
			p.refused = append(p.refused, refusedSeat{i, fmt.Sprintf("seat %s is not a seat of the %s (unknown id)", id, sel.container)})
		case s.Status == polar.SeatStatusClaimed:
			p.refused = append(p.refused, refusedSeat{i, fmt.Sprintf("seat %s is claimed: %s accepted the invitation, there is nothing to remind", id, describeOccupant(&s))})
		case s.Status == polar.SeatStatusRevoked:
			p.refused = append(p.refused, refusedSeat{i, fmt.Sprintf("seat %s is revoked: it holds nobody", id)})
		default:
			candidates = append(candidates, s)
		}
	}
	return candidates
}

// selectEmails: the active seats of the emails named; an email with no
// pending seat is named.
func (p *resendPlan) selectEmails(sel resendSelection, list *polar.SeatsList) (candidates []polar.CustomerSeat) {
	for _, e := range sel.emails {
		held := matchSeats(list, func(s *polar.CustomerSeat) bool { return emailForm.holds(s, e) })
		if len(held) == 0 {
			p.unmatched = append(p.unmatched, fmt.Sprintf("%s holds no seat in the %s", e, sel.container))
		}
		for _, s := range held {
			if s.Status == polar.SeatStatusClaimed {
				p.unmatched = append(p.unmatched, fmt.Sprintf("%s holds claimed seat %s (the invitation was accepted)", e, s.ID))
				continue
			}
			candidates = append(candidates, s)
		}
	}
	return candidates
}

// selectPending: every pending seat of the container; claimed ones are
// skipped and said, revoked rows counted.
func (p *resendPlan) selectPending(list *polar.SeatsList) (candidates []polar.CustomerSeat) {
	for _, s := range list.Seats {
		switch s.Status {
		case polar.SeatStatusPending:
			candidates = append(candidates, s)
		case polar.SeatStatusClaimed:
			p.skipped = append(p.skipped, seatLabel(&s)+": claimed")
		default:
			p.revokedRows++
		}
	}
	return candidates
}

// decide sends, reissues or skips one pending seat.
func (p *resendPlan) decide(sel resendSelection, s polar.CustomerSeat, now time.Time) {
	label := seatLabel(&s)
	age := now.Sub(s.AssignedAt())
	expired := s.InvitationTokenExpiresAt != nil && s.InvitationTokenExpiresAt.Before(now)
	switch {
	case !hasEmail(&s):
		p.skipped = append(p.skipped, label+": no email address to mail the invitation to")
	case sel.minAge > 0 && age < sel.minAge:
		p.skipped = append(p.skipped, fmt.Sprintf("%s: invited %s ago, not longer than pending_longer_than", label, age.Round(time.Minute)))
	case expired && sel.reissue:
		p.reissue = append(p.reissue, s)
	case expired:
		p.expired = append(p.expired, fmt.Sprintf("%s: the invitation expired at %s", label, s.InvitationTokenExpiresAt.UTC().Format(time.RFC3339)))
	default:
		p.send = append(p.send, s)
	}
}

func hasEmail(s *polar.CustomerSeat) bool { _, ok := invitationEmail(s); return ok }

// resendReport gathers what happened to each seat, for the summary.
type resendReport struct {
	sent, reissued, skipped, failed []string
}

func (r *resendReport) summary(c polar.Container, revokedRows int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Invitations of the %s: %d resent, %d reissued, %d skipped, %d failed.", c, len(r.sent), len(r.reissued), len(r.skipped), len(r.failed))
	for _, part := range []struct {
		title string
		items []string
	}{{"Resent", r.sent}, {"Reissued", r.reissued}, {"Skipped", r.skipped}, {"Failed", r.failed}} {
		if len(part.items) > 0 {
			fmt.Fprintf(&b, "\n%s: %s.", part.title, strings.Join(part.items, "; "))
		}
	}
	if revokedRows > 0 {
		fmt.Fprintf(&b, "\nRevoked rows (nobody to invite): %d.", revokedRows)
	}
	return b.String()
}

// run lists the container once, decides, and resends or reissues seat by
// seat, reporting progress and a summary.
func (a *resendInvitationAction) run(ctx context.Context, sel resendSelection, progress func(string)) diag.Diagnostics {
	var diags diag.Diagnostics
	c := sel.container
	list, err := a.data.seats.Fresh(ctx, c)
	if err != nil {
		diags.Append(a.data.apiErrorDiag("Cannot list the seats of the "+c.String()+": no invitation was resent", err, c, "customer_seats:read")...)
		return diags
	}
	p := planResend(sel, list, polarNow(list))
	if len(p.refused) > 0 {
		for _, r := range p.refused {
			diags.AddAttributeError(path.Root("seat_ids").AtListIndex(r.index), "Seat not pending: nothing was sent",
				fmt.Sprintf("Only a pending seat has an invitation to resend, and %s. No invitation was resent to anyone. Remove it from seat_ids.", r.why))
		}
		return diags
	}
	if len(p.unmatched) > 0 {
		diags.AddAttributeWarning(path.Root("emails"), "Some emails hold no pending seat",
			"Nothing is resent to these addresses: "+strings.Join(p.unmatched, "; ")+".")
	}
	if len(p.expired) > 0 {
		diags.AddWarning(counted(len(p.expired), "expired invitation")+" not resent",
			fmt.Sprintf("Polar's invitation links are valid for %.0f hours after the seat is assigned, and a resend mails the same link without extending it, "+
				"so these people would get a link that no longer works: %s.\n\nTo invite them again, run the action with reissue_expired = true "+
				"(it revokes each seat and assigns a seat again to the same email with the same metadata; the seat id may change), "+
				"or replace the resource that manages them (terraform apply -replace=ADDRESS).", polar.InvitationValidity.Hours(), strings.Join(p.expired, "; ")))
	}
	progress(fmt.Sprintf("%s: %s to resend, %s to reissue, %s.", c, counted(len(p.send), "invitation"), counted(len(p.reissue), "expired invitation"),
		counted(len(p.skipped)+len(p.expired)+len(p.unmatched), "seat")+" skipped"))

	rep := &resendReport{skipped: slices.Concat(p.skipped, p.expired, p.unmatched)}
	stopped := false
	for i := range p.send {
		if stopped || ctx.Err() != nil {
			rep.failed = append(rep.failed, seatLabel(&p.send[i])+": not sent (the run stopped before it)")
			continue
		}
		var d diag.Diagnostics
		stopped, d = a.resend(ctx, &p.send[i], rep, progress)
		diags.Append(d...)
	}
	for i := range p.reissue {
		if stopped || ctx.Err() != nil {
			rep.failed = append(rep.failed, seatLabel(&p.reissue[i])+": not reissued (the run stopped before it; the seat is untouched)")
			continue
		}
		diags.Append(a.reissue(ctx, &p.reissue[i], rep, progress)...)
	}
	summary := rep.summary(c, p.revokedRows)
	progress(summary)
	tflog.Info(ctx, "Resend invitations finished", map[string]any{"container": c.String(), "sent": len(rep.sent), "reissued": len(rep.reissued),
		"skipped": len(rep.skipped), "failed": len(rep.failed)})
	if len(rep.failed) > 0 {
		diags.AddError(counted(len(rep.failed), "invitation")+" not resent or reissued", summary)
	}
	return diags
}

// counted is "1 seat", "2 seats".
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// polarNow is Polar's clock at this moment, from the list's Date header
// (this machine's clock when the answer had none).
func polarNow(list *polar.SeatsList) time.Time {
	if list.Clock.Known() {
		return list.Clock.ToServer(time.Now())
	}
	return time.Now()
}

// resend mails one pending seat's invitation again. A resend sends an
// email, so an attempt whose outcome is unknown (no answer, 5xx) is never
// repeated: the client retries it only on 429, which Polar answers before
// doing anything. stop reports a failure every other seat would share (the
// token, its scopes, the organization).
func (a *resendInvitationAction) resend(ctx context.Context, s *polar.CustomerSeat, rep *resendReport, progress func(string)) (stop bool, diags diag.Diagnostics) {
	label := seatLabel(s)
	seat, err := a.data.client.ResendInvitation(ctx, s.ID)
	e, _ := polar.AsError(err)
	var failed string
	switch {
	case err == nil:
		a.data.seats.RecordWrite(seat)
		valid := ""
		if seat.InvitationTokenExpiresAt != nil {
			valid = ", link valid until " + seat.InvitationTokenExpiresAt.UTC().Format(time.RFC3339)
		}
		rep.sent = append(rep.sent, label)
		progress("Resent the invitation to " + label + valid + ".")
		return false, diags
	case polar.IsSeatNotPending(err):
		rep.skipped = append(rep.skipped, label+": no longer pending (claimed or revoked since the list)")
		progress("Skipped " + label + ": no longer pending.")
		return false, diags
	case e != nil && e.Code == polar.CodeInvalidInvitationToken:
		failed = "Polar has no invitation to resend for this seat (no invitation token or no address)"
		diags.AddError("Invitation to "+label+" not resent", "Polar refused the resend: "+failed+". Revoke the seat and assign it again to invite the person.\n\nPolar said: "+polar.Sanitize(err.Error()))
	case polar.IsNotSent(err):
		failed = "not sent (" + notSentReason(err) + ")"
		diags.AddError("Invitation to "+label+" not resent",
			fmt.Sprintf("The resend was never sent to Polar, so nothing was mailed: %s Run the action again.\n\nDetail: %s", notSentReason(err), polar.Sanitize(err.Error())))
	case polar.IsOutcomeUnknown(err):
		failed = "outcome unknown (the email may or may not have been sent)"
		diags.AddError("Invitation to "+label+": outcome unknown",
			fmt.Sprintf("The resend reached Polar (or may have) but no usable answer came back (%s), so the invitation may or may not have been mailed. "+
				"A resend mails someone, so the provider does not repeat it blindly. Ask the person whether it arrived, or run the action again "+
				"with seat_ids = [%q] if a second email is acceptable.", polar.Sanitize(err.Error()), s.ID))
	default:
		failed = "Polar refused it (" + polar.Sanitize(err.Error()) + ")"
		diags.Append(a.data.apiErrorDiag("Invitation to "+label+" not resent", err, s.Container(), "customer_seats:write")...)
		stop = polar.IsUnauthorized(err) || polar.IsInsufficientScope(err) || polar.IsFeatureNotEnabled(err)
	}
	rep.failed = append(rep.failed, label+": "+failed)
	progress("Not resent to " + label + ": " + failed + ".")
	return stop, diags
}

// reissue re-invites the holder of an expired invitation: it revokes the
// seat while it still holds the same person with the same expired
// invitation (decided on a fresh list), then assigns a seat again to the
// same email with the same metadata, exactly once — through the writer the
// seat resources use, with every guarantee they give.
func (a *resendInvitationAction) reissue(ctx context.Context, s *polar.CustomerSeat, rep *resendReport, progress func(string)) diag.Diagnostics {
	var diags diag.Diagnostics
	label := seatLabel(s)
	email, _ := invitationEmail(s)
	c := s.Container()
	occ := occupantOf(s)
	w := &seatWriter{providerData: a.data, adoptHint: reissueHint(email)}
	unchanged := func(cur *polar.CustomerSeat) bool {
		return cur.Status == polar.SeatStatusPending && occupantOf(cur) == occ && cur.InvitationTokenExpiresAt != nil &&
			cur.InvitationTokenExpiresAt.Equal(*s.InvitationTokenExpiresAt)
	}
	_, d := w.revoke(ctx, seatRef{container: c, id: s.ID, holds: unchanged, who: email}) // an action keeps no state: a revoke that may still land is told in d
	if d.HasError() {
		diags.Append(d...)
		rep.failed = append(rep.failed, label+": not reissued (the seat could not be revoked; it is untouched unless the error says otherwise)")
		progress("Not reissued " + label + ": the revoke failed.")
		return diags
	}
	// The revoke decided on a fresh list and recorded what it did in the
	// shared list: only a seat it revoked is assigned again. (Its warning
	// for a seat left alone speaks of a resource's seat; the summary says
	// what the seat is now instead.)
	var cur polar.CustomerSeat
	found := false
	list, err := a.data.seats.List(ctx, c)
	if err == nil {
		cur, found = list.Find(s.ID)
	}
	if err != nil || !found || cur.Status != polar.SeatStatusRevoked {
		now := "no longer listed"
		switch {
		case err != nil:
			now = "it could not be listed after the revoke: " + polar.Sanitize(err.Error())
		case found:
			now = "now " + string(cur.Status) + " for " + describeOccupant(&cur)
			if cur.InvitationTokenExpiresAt != nil {
				now += ", invitation valid until " + cur.InvitationTokenExpiresAt.UTC().Format(time.RFC3339)
			}
		}
		rep.skipped = append(rep.skipped, label+": changed since the list ("+now+"), not reissued")
		progress("Skipped " + label + ": it changed since the list; not reissued.")
		return diags
	}
	req := polar.SeatAssign{Email: &email}
	if c.Kind == polar.ContainerSubscription {
		req.SubscriptionID = &c.ID
	} else {
		req.OrderID = &c.ID
	}
	if len(s.SeatMetadata) > 0 {
		req.Metadata = s.SeatMetadata
	}
	seat, d := w.assignOnce(ctx, req)
	diags.Append(d...)
	if seat == nil {
		rep.failed = append(rep.failed, label+": revoked, but the new invitation was not assigned; "+email+" holds no seat now unless the error says otherwise")
		diags.AddError("Invitation to "+email+" not reissued",
			fmt.Sprintf("Seat %s of the %s was revoked to reissue its expired invitation, but assigning a seat again to %s failed (see the error above). "+
				"%s", s.ID, c, email, reissueHint(email)(c, "<seat_id>")))
		progress("Not reissued " + label + ": revoked, but the new assignment failed.")
		return diags
	}
	where := "the same seat id"
	if seat.ID != s.ID {
		where = fmt.Sprintf("seat %s (Polar gave the new invitation another revoked row; seat %s stays revoked)", seat.ID, s.ID)
	}
	valid := ""
	if seat.InvitationTokenExpiresAt != nil {
		valid = ", link valid until " + seat.InvitationTokenExpiresAt.UTC().Format(time.RFC3339)
	}
	rep.reissued = append(rep.reissued, fmt.Sprintf("%s: seat %s -> seat %s", email, s.ID, seat.ID))
	progress(fmt.Sprintf("Reissued the expired invitation of %s: seat %s revoked, new invitation on %s%s.", email, s.ID, where, valid))
	return diags
}

// reissueHint says what to do when a reissued assignment's outcome is not
// known: the resource that manages the person sees it at its next plan.
func reissueHint(email string) func(c polar.Container, seatID string) string {
	return func(c polar.Container, seatID string) string {
		return fmt.Sprintf("Run terraform plan: the resource that manages %s shows whether they hold seat %s of the %s, and plans a new "+
			"assignment (with its invitation) if they hold none. Do not run the action again for them until then.", email, seatID, c)
	}
}
