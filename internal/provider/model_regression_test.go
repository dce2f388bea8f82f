package provider

import (
	"net/http"
	"slices"
	"testing"
)

// The defects the model test (TestModel) found, each as the short sequence
// rapid shrank it to, replayed step by step with the same machine and the
// same invariants. Resources are applied in address order here (the model
// draws the order); each test names the invariant that fails without the
// fix.

func newRegressionMachine(t *testing.T, seats int) *modelMachine {
	t.Helper()
	return newModelMachine(t, &modelStats{refusals: map[string]int{}, actions: map[string]int{}}, seats)
}

const (
	alice = iota
	bob
	carol
	dave
)

var teamA, teamB = assignmentsType + ".team_a", assignmentsType + ".team_b"

func byEmail(p int) mRecipient  { return mRecipient{person: p, form: formEmail} }
func byMember(p int) mRecipient { return mRecipient{person: p, form: formMember} }

// Invariant 2: exclusive true → false must drop the people it held only
// because it was exclusive, not revoke them. (Carol's seat, assigned outside
// Terraform, is read into state by the refresh, since the state still says
// exclusive; the configuration does not list her; the apply revoked her.)
func TestModelRegression_exclusiveOffRevokesAnOutsideSeat(t *testing.T) {
	t.Parallel() // each machine has its own emulator
	m := newRegressionMachine(t, 4)
	m.addRecipient(teamA, modelSubA, "", byEmail(alice))
	m.addRecipient(teamA, modelSubA, "", byEmail(bob))
	m.toggleExclusive(teamA)
	m.apply(hazard{})
	m.worldAssign(modelSubA, byEmail(carol), false)
	m.toggleExclusive(teamA)
	m.apply(hazard{})
}

// Invariant 2: alice, applied by email, named by member id keeps her seat.
// The plan kept her seat (under the member id) and showed no removal; the
// apply revoked it (under the email).
func TestModelRegression_anotherFormOfTheSamePersonIsRevoked(t *testing.T) {
	t.Parallel() // each machine has its own emulator
	m := newRegressionMachine(t, 4)
	m.addRecipient(teamA, modelSubA, "", byEmail(alice))
	m.apply(hazard{})
	m.changeForm(teamA, byMember(alice))
	m.apply(hazard{})
}

// Invariant 1: a polar_customer_seat whose holder is named another way
// (member id → email in another spelling) is updated in place. It was
// replaced: revoked and assigned again, so that an apply stopped between
// the two left the person without a seat (the model found it that way).
func TestModelRegression_anotherFormOfTheSeatHolderReplacesTheSeat(t *testing.T) {
	t.Parallel() // each machine has its own emulator
	const erin = 4
	m := newRegressionMachine(t, 2)
	m.addRecipient(seatType+".erin", modelSubA, "", byMember(erin))
	m.apply(hazard{})
	m.changeForm(seatType+".erin", mRecipient{person: erin, form: formEmail, spelling: 1})
	m.apply(hazard{})
}

// A person moved between two resources on one subscription keeps her seat.
// Which check fails depends on the order Terraform applies the two: the
// resource she leaves first — Terraform's own "Provider produced
// inconsistent final plan" (the other had planned her seat as known);
// the resource she joins first, or a new seat resource — invariant 1 (her
// seat is revoked).
func TestModelRegression_personMovedBetweenResourcesIsRevoked(t *testing.T) {
	t.Parallel() // each machine has its own emulator
	aliceSeat := seatType + ".alice"
	// move applies the people where they start, then moves alice.
	move := func(t *testing.T, order func(string, int) []int, from, to string, start ...placement) {
		m := newRegressionMachine(t, 4)
		m.core.perm = order
		for _, p := range start {
			m.addRecipient(p.addr, modelSubA, "", byEmail(p.person))
		}
		m.apply(hazard{})
		m.movePerson(from, to, byEmail(alice))
		m.apply(hazard{})
	}
	reversed := func(_ string, n int) []int {
		order := identityPerm(n)
		slices.Reverse(order)
		return order
	}
	teams := []placement{{teamA, alice}, {teamA, carol}, {teamB, bob}}
	t.Run("team to team, the team she leaves applied first", func(t *testing.T) {
		t.Parallel()
		move(t, func(_ string, n int) []int { return identityPerm(n) }, teamA, teamB, teams...)
	})
	t.Run("team to team, the team she joins applied first", func(t *testing.T) {
		t.Parallel()
		move(t, reversed, teamA, teamB, teams...)
	})
	t.Run("seat resource to team", func(t *testing.T) {
		t.Parallel()
		move(t, func(_ string, n int) []int { return identityPerm(n) }, aliceSeat, teamA, placement{aliceSeat, alice}, placement{teamA, bob})
	})
	t.Run("team to seat resource", func(t *testing.T) {
		t.Parallel()
		move(t, func(_ string, n int) []int { return identityPerm(n) }, teamA, aliceSeat, placement{teamA, alice}, placement{teamA, bob})
	})
}

// placement is a person in a resource, named by email.
type placement struct {
	addr   string
	person int
}

// Invariant 2: a revoke that outlives request_timeout and lands after the
// provider gave it up must not revoke the row's next holder. The first
// DELETE is held until the apply ends. Before the fix the provider listed,
// saw the seat still held, revoked again, the row was assigned again, and
// then the first DELETE landed on its next holder; now it sends no second
// revoke while the first may land, and says so.
func TestModelRegression_lateRevokeRevokesTheNextHolder(t *testing.T) {
	t.Parallel() // the machines' providers have short write timing of their own (modelTiming)
	held := hazard{kind: "hold", method: http.MethodDelete, after: -1}
	// [alice, bob] → [bob, dave] on a full subscription: dave gets alice's
	// row, and loses it.
	t.Run("another person", func(t *testing.T) {
		t.Parallel()
		m := newRegressionMachine(t, 2)
		m.addRecipient(teamA, modelSubA, "", byEmail(alice))
		m.addRecipient(teamA, modelSubA, "", byEmail(bob))
		m.apply(hazard{})
		m.removeRecipient(teamA, alice)
		m.addRecipient(teamA, modelSubA, "", byEmail(dave))
		m.apply(held)
	})
	// A pending seat replaced (immediate_claim): alice's new seat is her old
	// row, and the late revoke of the old assignment takes it.
	t.Run("the same person's new seat", func(t *testing.T) {
		t.Parallel()
		m := newRegressionMachine(t, 1)
		m.addRecipient(seatType+".alice", modelSubA, "", byEmail(alice))
		m.apply(hazard{})
		m.cfg[seatType+".alice"].immediate = true
		m.apply(held)
	})
}

// Invariant 5: an assignment that outlives request_timeout and lands after
// the provider gave it up is the provider's own seat, not an orphan. The
// POST is held until the provider's check (a list) has answered, so the
// list does not show the seat; the held POST then lands and takes the last
// seat; the provider tries again, Polar answers "no seat available", and the
// apply fails saying so — while the seat it assigned is in no state.
func TestModelRegression_lateAssignLeavesAnOrphan(t *testing.T) {
	t.Parallel() // each machine has its own emulator
	m := newRegressionMachine(t, 1)
	m.addRecipient(seatType+".carol", modelSubA, "", byEmail(carol))
	m.apply(hazard{kind: "hold", method: http.MethodPost, after: 0})
}

// Plans refuse a fight across two provider configurations (two processes,
// sharing claims through files): an exclusive team on the default
// configuration and a seat on polar.second, on one subscription. The model
// once gave every provider of a walk one process's registry, where the
// claims of the in-process providers never meet, so this was never tried.
func TestModelRegression_fightAcrossProviderConfigurations(t *testing.T) {
	t.Parallel() // each machine has its own emulator
	m := newRegressionMachine(t, 4)
	m.addRecipient(teamA, modelSubA, "", byEmail(alice))
	m.toggleExclusive(teamA)
	m.apply(hazard{})
	m.addRecipient(seatType+".bob", modelSubA, modelSecondAlias, byEmail(bob))
	m.apply(hazard{})
}

// A seat leaving a subscription (a polar_customer_seat replaced to another
// one) fights nothing there: the plan refused it beside an exclusive team,
// as if the seat stayed, because the first half of the replacement claimed
// its recipient on the subscription it leaves.
func TestModelRegression_seatLeavingBesideAnExclusiveTeamIsRefused(t *testing.T) {
	t.Parallel() // each machine has its own emulator
	m := newRegressionMachine(t, 4)
	m.addRecipient(teamB, modelSubA, "", byEmail(alice))
	m.addRecipient(seatType+".bob", modelSubA, "", byEmail(bob))
	m.apply(hazard{})
	m.toggleExclusive(teamB)
	m.cfg[seatType+".bob"].container = modelSubB
	m.apply(hazard{})
}

// Invariant 2: one seat in the state of two resources (a seat imported into
// a polar_customer_seat while the team still records it) must not be
// revoked by one of them after the other, replacing it in place, gave the
// row back to the same person. Both plans showed the seat's removal; the
// polar_customer_seat's replacement revoked it and assigned the person
// again (Polar gave back the same row), then the team's revoke, finding
// the same person on the row, revoked the new seat.
func TestModelRegression_seatInTwoStatesRevokedAfterItsReplacement(t *testing.T) {
	t.Parallel() // each machine has its own emulator
	m := newRegressionMachine(t, 2)
	m.addRecipient(teamA, modelSubA, "", byEmail(dave))
	m.apply(hazard{})
	seat := m.activeSeats(func(v seatView) bool { return v.memberID == modelPeople[dave].memberID })[0]
	m.removeRecipient(teamA, dave)
	m.addRecipient(seatType+".dave", modelSubA, "", byMember(dave))
	m.cfg[seatType+".dave"].metadata = "x"
	m.importSeat(seatType+".dave", seat, "id", 0)
	m.apply(hazard{})
}

// Invariant 3 (Terraform's own check): a team made exclusive, then moved to
// another subscription with exclusive turned off in the same edit, planned
// to leave the seats it held only because it was exclusive (dave's, assigned
// outside Terraform) — while the destroy half of its replacement revokes
// every seat in its state, dave's too. Another resource keeping dave's seat
// then saw it vanish during the apply ("inconsistent final plan"). The plan
// now refuses the two changes together, saying to apply them one at a time.
func TestModelRegression_exclusiveOffWithANewContainerRevokesTheReleased(t *testing.T) {
	t.Parallel() // each machine has its own emulator
	m := newRegressionMachine(t, 4)
	m.addRecipient(teamB, modelSubA, "", byMember(alice))
	m.toggleExclusive(teamB)
	m.apply(hazard{})
	m.worldAssign(modelSubA, byMember(dave), false)
	m.refreshOnly()
	m.toggleExclusive(teamB)
	m.cfg[teamB].container = modelSubB
	m.addRecipient(teamA, modelSubA, "", byMember(dave))
	m.importContainer(teamA, false)
	m.apply(hazard{})
}

// Invariant 3 (a plan let a fight through), a defect of the model, not of
// the provider: one email twice in one team, in one spelling (a member id
// renamed to the email the team already named), moved to email_recipients.
// A map has one entry per key (Terraform keeps the last of a repeated
// key), so the provider sees alice once and rightly plans her seat; the
// model still counted her twice and expected the plan to be refused.
func TestModelRegression_oneEmailTwiceIsOneMapEntry(t *testing.T) {
	t.Parallel() // each machine has its own emulator
	m := newRegressionMachine(t, 2)
	m.addRecipient(teamA, modelSubA, "", byMember(alice))
	m.addRecipient(teamA, modelSubA, "", byEmail(alice))
	m.changeForm(teamA, byEmail(alice))
	m.toggleEmailMap(teamA)
	m.apply(hazard{})
	m.toggleEmailMap(teamA)
	m.apply(hazard{}) // back in emails: alice twice, refused
}

// Invariant 3 (an ordinary edit was refused at plan): alice's seat, in the
// state of a team that drops her and of the polar_customer_seat it was
// imported into, which moves to another subscription in the same edit. Both
// revoke the seat, but neither assigns anyone in its subscription (the team
// keeps dave's seat; the seat's new one is in the other subscription), so
// nobody can get the row back and have it taken by the second revoke.
// The plan refused it as "One seat revoked by two resources".
func TestModelRegression_doubleRevokeWithoutAnAssignmentIsNoFight(t *testing.T) {
	t.Parallel() // each machine has its own emulator
	aliceRevokedTwice(t).apply(hazard{})
}

// aliceRevokedTwice is the edit above, not applied yet: alice's seat in
// the state of team_b, which drops her and keeps dave, and of the
// polar_customer_seat it is imported into, which moves to subscription B.
func aliceRevokedTwice(t *testing.T) *modelMachine {
	t.Helper()
	m := newRegressionMachine(t, 4)
	m.addRecipient(teamB, modelSubA, "", byMember(alice))
	m.addRecipient(teamB, modelSubA, "", byMember(dave))
	m.apply(hazard{})
	seat := m.activeSeats(func(v seatView) bool { return v.memberID == modelPeople[alice].memberID })[0]
	m.removeRecipient(teamB, alice)
	m.addRecipient(seatType+".alice", modelSubA, "", byMember(alice))
	m.importSeat(seatType+".alice", seat, "id", 0)
	m.cfg[seatType+".alice"].container = modelSubB
	return m
}

// A plan refuses one seat revoked by two resources while a third assigns
// someone in its subscription: the soak's case above, with bob joining
// team_a on subscription A in the same edit. Terraform applies the three
// at once, and once one revoke frees alice's row Polar may give it to bob,
// whose seat the other revoke — sent after its check found alice — takes
// (TestCustomerSeatAssignments_revokes_twoRevokesBesideAnAssignment puts
// the requests there; the model applies one resource at a time and cannot).
// The model must count the refusal as one, not as an ordinary edit refused.
func TestModelRegression_doubleRevokeBesideAnAssignmentIsRefused(t *testing.T) {
	t.Parallel() // each machine has its own emulator
	m := aliceRevokedTwice(t)
	m.addRecipient(teamA, modelSubA, "", byEmail(bob))
	m.apply(hazard{})
}

// The provider panicked ("assignment to entry in nil map"): a team that
// names alice in email_recipients stops using the attribute (here: the
// emails go back to emails, alice leaves), and alice's DELETE goes
// unanswered, so her seat stays in state — in email_recipients, which the
// plan has as null. The kept seat now stays in the map in state, as a kept
// seat of a list stays in its list; the next apply revokes it.
func TestModelRegression_unansweredRevokeOfAMapEntryKeepsItInState(t *testing.T) {
	t.Parallel() // the machines' providers have short write timing of their own (modelTiming)
	m := newRegressionMachine(t, 3)
	m.addRecipient(teamA, modelSubA, "", byEmail(alice))
	m.addRecipient(teamA, modelSubA, "", byMember(bob))
	m.toggleEmailMap(teamA)
	m.apply(hazard{})
	m.toggleEmailMap(teamA)
	m.removeRecipient(teamA, alice)
	m.apply(hazard{kind: "hold", method: http.MethodDelete, after: -1})
	m.apply(hazard{})
}
