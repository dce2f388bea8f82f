package provider

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/polarsource/terraform-provider-polar/internal/emailaddr"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// Claims: what each seat resource's plan manages, per container. Every plan
// of either seat resource — destroys included — records a claim, and the
// one planned second of two resources that would fight refuses the plan,
// so the outcome does not depend on the order Terraform plans them in:
//
//  1. an exclusive resource and any other seat resource on its container,
//     even while the exclusive one's recipients are unknown;
//  2. one person (recipient key, or one seat) held by two resources;
//  3. a move: a seat one resource revokes and another keeps or adopts.
//     Terraform may plan and apply the two in any order (the apply walk
//     re-plans in a fresh process), so no order of the two makes it safe;
//     the refusal prints the recipe that does (removed + import);
//  4. one seat revoked by two resources while a resource of the plan
//     assigns seats in the container (revokedTwiceConflict), whichever of
//     the three is claimed last.
//
// A replacement is planned in one process with two calls: the first with
// the prior state, the second with a null prior state and the first call's
// planned private state. Every plan with a prior state puts a plan token in
// its planned private state, and a create whose prior private state carries
// one is the create half of that replacement: its claim replaces the first
// call's, and the seats the replacement's destroy revokes first are not
// "already held".
//
// The provider processes of one Terraform run (one per provider
// configuration) share their claims through providerData.siblings.

// claimRecord is what one resource's plan manages in a container.
type claimRecord struct {
	Token     string   `json:"token"`    // one resource's plan; the same for both calls of a replacement
	Resource  string   `json:"resource"` // for messages, e.g. "a polar_customer_seat_assignments with exclusive = true"
	Single    bool     `json:"single"`   // a polar_customer_seat
	Exclusive bool     `json:"exclusive"`
	Keys      []string `json:"keys"`    // recipient keys; nil when unknown at plan
	Held      []string `json:"held"`    // seat ids held after the plan (kept, adopted, renamed)
	Removed   []string `json:"removed"` // seat ids the plan revokes
}

// siblingClaims shares claim records with the other provider processes of the same Terraform run.
type siblingClaims interface {
	Publish(endpoint string, c polar.Container, rec claimRecord) error // replaces this process's record with the same Token
	Others(endpoint string, c polar.Container) ([]claimRecord, error)  // records of the other live processes of this run
	Containers(endpoint string) ([]polar.Container, error)             // the containers those have records in
}

// live reports whether the resource manages anything in the container
// after the plan: a destroy (or a resource left with nobody) does not.
func (r *claimRecord) live() bool {
	return r.Exclusive || r.Keys == nil || len(r.Keys) > 0 || len(r.Held) > 0
}

// assigns reports whether the plan may assign someone in the container: a
// recipient without a seat it keeps (each held seat comes with its
// recipient's key), or recipients unknown at plan.
func (r *claimRecord) assigns() bool {
	return r.Keys == nil || len(r.Keys) > len(r.Held)
}

// privateToken is the plan token in a plan's planned private state.
const privateToken = "plan_token"

func newPlanToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// replaced is what the first call of a plan with a prior state leaves for
// the second call of a replacement: the container, and the seats the
// replacement's destroy revokes (id -> who), which the create half assigns
// again instead of refusing as already held.
type replaced struct {
	container polar.Container
	seats     map[string]string
	released  []string // seats the destroy leaves alone
}

// rememberPrior records what a plan's first call found in the prior state,
// under its token, for a replacement's second call in the same process.
func (pd *providerData) rememberPrior(token string, r replaced) {
	pd.mu.Lock()
	defer pd.mu.Unlock()
	if pd.priors == nil {
		pd.priors = map[string]replaced{}
	}
	pd.priors[token] = r
}

// priorOf returns what the first call of the plan with this token found.
func (pd *providerData) priorOf(token string) (replaced, bool) {
	pd.mu.Lock()
	defer pd.mu.Unlock()
	r, ok := pd.priors[token]
	return r, ok
}

// claimNames says who holds what, for messages: by seat id and by
// recipient key.
type claimNames map[string]string

// claim records rec for container c, replacing a record of the same token
// (the other call of a replacement), and returns an error diagnostic for a
// conflict with a record of another resource of this run — in this process
// or, through siblings, in another provider process of the run.
func (pd *providerData) claim(c polar.Container, rec claimRecord, names claimNames) diag.Diagnostics {
	if c == unplaced {
		return pd.claimUnplaced(rec, names)
	}
	var diags diag.Diagnostics
	pd.mu.Lock()
	ix := pd.index(c)
	ix.put(rec)
	summary, detail := ix.conflict(c, &rec, names)
	if summary == "" {
		summary, detail = revokedTwiceConflict(c, &rec, names, ix, pd.claims[unplaced])
	}
	pd.mu.Unlock()
	if summary == "" && pd.siblings != nil {
		// Published before looking, so that of two processes planning at
		// the same moment at least one sees the other.
		err := pd.siblings.Publish(pd.endpoint, c, rec)
		var others []claimRecord
		if err == nil {
			others, err = pd.siblings.Others(pd.endpoint, c)
		}
		if err != nil {
			diags.AddWarning("Claims of other provider configurations not checked",
				fmt.Sprintf("The provider could not compare this plan of the %s with the other provider configurations (aliases) of this run: %s. "+
					"A resource of another alias on the same container is not refused at plan time.", c, err))
		}
		sib := indexOf(others)
		summary, detail = sib.conflict(c, &rec, names)
		if summary == "" {
			// Three resources, perhaps of several processes: over all
			// records; and, when a seat this plan revokes is revoked
			// twice and nobody assigns, with the other processes' plans
			// whose container is known only at apply.
			pd.mu.Lock()
			summary, detail = revokedTwiceConflict(c, &rec, names, ix, sib, pd.claims[unplaced])
			twice := summary == "" && revokesTwice(&rec, ix, sib)
			pd.mu.Unlock()
			if twice {
				if far, ferr := pd.siblings.Others(pd.endpoint, unplaced); ferr == nil && len(far) > 0 {
					farIx := indexOf(far) // built before locking
					pd.mu.Lock()
					summary, detail = revokedTwiceConflict(c, &rec, names, ix, sib, farIx)
					pd.mu.Unlock()
				}
			}
		}
	}
	if summary != "" {
		diags.AddAttributeError(containerPath(c), summary, detail)
	}
	return diags
}

// unplaced is where the plan of a resource whose container is known only
// at apply claims (a create, or the create half of a replacement): it may
// assign people in any container of the run. Only revokedTwiceConflict
// reads it: a seat revoked by two resources is refused beside it, in
// whichever container.
var unplaced = polar.Container{Kind: "unknown"}

// claimUnplaced records the claim of a plan whose container is known only
// at apply and, when it may assign someone, refuses it beside a seat two
// resources revoke in any container this process or a sibling has claims
// in.
func (pd *providerData) claimUnplaced(rec claimRecord, names claimNames) diag.Diagnostics {
	var diags diag.Diagnostics
	pd.mu.Lock()
	pd.index(unplaced).put(rec)
	var containers []polar.Container
	for c := range pd.claims {
		if c != unplaced {
			containers = append(containers, c)
		}
	}
	pd.mu.Unlock()
	if !rec.assigns() {
		return nil
	}
	// far: the containers the other processes have records in, the only
	// ones whose records are read (a file read each); this process's
	// containers are looked at in memory.
	var far []polar.Container
	if pd.siblings != nil {
		err := pd.siblings.Publish(pd.endpoint, unplaced, rec)
		if err == nil {
			far, err = pd.siblings.Containers(pd.endpoint)
		}
		if err != nil {
			diags.AddWarning("Claims of other provider configurations not checked",
				fmt.Sprintf("The provider could not compare this plan, whose container is known only at apply, with the other provider configurations (aliases) of this run: %s.", err))
		}
		for _, c := range far {
			if !slices.Contains(containers, c) {
				containers = append(containers, c)
			}
		}
	}
	slices.SortFunc(containers, func(a, b polar.Container) int { return strings.Compare(a.String(), b.String()) })
	for _, c := range containers {
		var others []claimRecord
		if slices.Contains(far, c) {
			others, _ = pd.siblings.Others(pd.endpoint, c)
		}
		sib := indexOf(others) // built before locking
		pd.mu.Lock()
		summary, detail := revokedTwiceConflict(c, &rec, names, pd.claims[c], sib)
		pd.mu.Unlock()
		if summary != "" {
			diags.AddError(summary, detail)
			break
		}
	}
	return diags
}

// index returns the claim index of container c, made when there is none.
// The caller holds pd.mu.
func (pd *providerData) index(c polar.Container) *claimIndex {
	if pd.claims == nil {
		pd.claims = map[polar.Container]*claimIndex{}
	}
	ix := pd.claims[c]
	if ix == nil {
		ix = newClaimIndex()
		pd.claims[c] = ix
	}
	return ix
}

// revokesTwice reports whether a seat rec revokes is revoked by another
// record of the indexes too.
func revokesTwice(rec *claimRecord, ixs ...*claimIndex) bool {
	u := claimUnion(ixs)
	return slices.ContainsFunc(rec.Removed, func(id string) bool { return len(u.revokers(id)) >= 2 })
}

// indexOf is an index of records.
func indexOf(recs []claimRecord) *claimIndex {
	ix := newClaimIndex()
	for _, r := range recs {
		ix.put(r)
	}
	return ix
}

// claimIndex is the claim records of one container, indexed by what they
// hold, so that checking a claim costs time in proportion to its own size
// (a plan over thousands of seats of one container claims thousands of
// times).
type claimIndex struct {
	records   map[string]claimRecord // by token
	order     []string               // tokens, first claimed first
	exclusive []string               // tokens that were claimed exclusive at some point
	assigning []string               // tokens that were claimed assigning at some point
	byKey     map[string][]string    // recipient key -> tokens
	byHeld    map[string][]string    // seat id -> tokens that hold it
	byRemoved map[string][]string    // seat id -> tokens that revoke it
	doubled   []string               // seat ids that were revoked by two tokens at some point
}

func newClaimIndex() *claimIndex {
	return &claimIndex{records: map[string]claimRecord{}, byKey: map[string][]string{}, byHeld: map[string][]string{}, byRemoved: map[string][]string{}}
}

// put records rec in place of the record with its token.
func (ix *claimIndex) put(rec claimRecord) {
	if old, ok := ix.records[rec.Token]; ok {
		drop := func(m map[string][]string, ks []string) {
			for _, k := range ks {
				m[k] = slices.DeleteFunc(m[k], func(t string) bool { return t == rec.Token })
			}
		}
		drop(ix.byKey, old.Keys)
		drop(ix.byHeld, old.Held)
		drop(ix.byRemoved, old.Removed)
	} else {
		ix.order = append(ix.order, rec.Token)
	}
	ix.records[rec.Token] = rec
	if rec.Exclusive {
		ix.exclusive = append(ix.exclusive, rec.Token)
	}
	if rec.assigns() {
		ix.assigning = append(ix.assigning, rec.Token)
	}
	for _, k := range rec.Keys {
		ix.byKey[k] = append(ix.byKey[k], rec.Token)
	}
	for _, id := range rec.Held {
		ix.byHeld[id] = append(ix.byHeld[id], rec.Token)
	}
	for _, id := range rec.Removed {
		ix.byRemoved[id] = append(ix.byRemoved[id], rec.Token)
		if len(ix.byRemoved[id]) == 2 {
			ix.doubled = append(ix.doubled, id)
		}
	}
}

// other returns the record of another resource's token.
func (ix *claimIndex) other(mine *claimRecord, token string) (*claimRecord, bool) {
	if token == mine.Token {
		return nil, false
	}
	o, ok := ix.records[token]
	return &o, ok
}

// conflict describes why mine fights a record of the index, or returns ""
// when it fights none: an exclusive resource and any other live one first,
// then a move, then one person in two resources.
func (ix *claimIndex) conflict(c polar.Container, mine *claimRecord, names claimNames) (summary, detail string) {
	for _, check := range []func(polar.Container, *claimRecord, claimNames) (string, string){ix.exclusiveConflict, ix.moveConflict, ix.samePersonConflict} {
		if summary, detail = check(c, mine, names); summary != "" {
			return summary, detail
		}
	}
	return "", ""
}

// exclusiveConflict: an exclusive resource and any other that manages
// something after the plan.
func (ix *claimIndex) exclusiveConflict(c polar.Container, mine *claimRecord, _ claimNames) (summary, detail string) {
	others := ix.exclusive
	if mine.Exclusive {
		others = ix.order
	}
	for _, t := range others {
		o, ok := ix.other(mine, t)
		if fight := ok && ((mine.Exclusive && o.live()) || (o.Exclusive && mine.live())); !fight {
			continue
		}
		unknown := ""
		if (mine.Exclusive && mine.Keys == nil) || (o.Exclusive && o.Keys == nil) {
			unknown = " This holds whatever the exclusive resource's recipients are, even when they are known only at apply."
		}
		return "Two resources manage the seats of one " + string(c.Kind),
			fmt.Sprintf("This configuration has %s and %s for the %s. An exclusive resource revokes every seat it does not list, so it would "+
				"revoke the other's seats on every apply, and the other would assign them again.%s Give the container one exclusive resource, "+
				"or set exclusive = false on it.", mine.Resource, o.Resource, c, unknown)
	}
	return "", ""
}

// moveConflict: a seat one resource revokes and another keeps.
func (ix *claimIndex) moveConflict(c polar.Container, mine *claimRecord, names claimNames) (summary, detail string) {
	for _, id := range mine.Removed {
		for _, t := range ix.byHeld[id] {
			if o, ok := ix.other(mine, t); ok {
				return "A seat moves between two resources", moveDetail(c, id, names[id], o, mine, "this resource revokes it and "+o.Resource+" keeps it")
			}
		}
	}
	for _, id := range mine.Held {
		for _, t := range ix.byRemoved[id] {
			if o, ok := ix.other(mine, t); ok {
				return "A seat moves between two resources", moveDetail(c, id, names[id], mine, o, o.Resource+" revokes it and this resource keeps it")
			}
		}
	}
	return "", ""
}

// revokedTwiceConflict: one seat revoked by two resources (both record it:
// a seat imported into one while the other still holds it) while a
// resource of the plan — one of the two, or a third — may assign someone in
// the container. Terraform applies them in any order, and at once. Once
// one revoke frees the row, Polar may give it to the next person assigned
// there (it reuses a revoked row, same id, for anyone): the seat's own
// holder assigned again, whom the other revoke's check finds on the row
// and takes; or anyone else, whom the other revoke takes when its DELETE
// was sent before (its check found the holder) or its check read a list
// from before (a batch's list serves its revokes for up to a minute).
// When nobody assigns anyone in the container (two destroys; an update
// that keeps the seats of all its recipients; a seat replaced into another
// container) no row is given out meanwhile. ixs are the records to look at
// together (this process's, and those of its siblings), so that whichever
// of the three is claimed last sees the other two.
func revokedTwiceConflict(c polar.Container, mine *claimRecord, names claimNames, ixs ...*claimIndex) (summary, detail string) {
	var u claimUnion
	for _, ix := range ixs {
		if ix != nil {
			u = append(u, ix)
		}
	}
	refuse := func(id string, pair []string, by *claimRecord) (string, string) {
		who := orDefault(names[id], "its holder")
		return "One seat revoked by two resources",
			fmt.Sprintf("Seat %s of the %s (%s) is in the state of two resources of this plan, %s and %s, and both revoke it, while %s assigns "+
				"seats there. Terraform may apply them in any order, and at once: once one revoke frees the row, Polar may give it to the next person "+
				"assigned (it reuses a revoked seat's row, same id), and the other revoke then takes that person's new seat — it finds %s on the row "+
				"again if the one assigned is %s, and it cannot see the change at all if its request was sent after its check. %s",
				id, c, who, u.record(mine, pair[0]).Resource, u.record(mine, pair[1]).Resource, by.Resource, who, who, keepInOneResource)
	}
	if mine.assigns() {
		for _, id := range u.doubled() {
			if pair := u.revokers(id); len(pair) >= 2 {
				return refuse(id, pair, mine)
			}
		}
	}
	for _, id := range mine.Removed {
		pair := u.revokers(id)
		if len(pair) < 2 {
			continue // the common case: looked at no further
		}
		if by := u.assigner(mine); by != nil {
			return refuse(id, pair, by)
		}
	}
	return "", ""
}

// keepInOneResource is the recipe for a seat two resources of a plan revoke.
const keepInOneResource = "Nothing has been sent. Keep the seat in one resource: forget the other without revoking anyone — in place of " +
	"its resource block write\n\n  removed {\n    from = <address>\n    lifecycle {\n      destroy = false\n    }\n  }\n\n" +
	"and apply once; then, if it should stay in the configuration, bring it back with an import block."

// claimUnion is the records of several claim indexes (this process's and
// its siblings'), looked at together.
type claimUnion []*claimIndex

// record returns the record of a token (mine itself when it is mine's).
func (u claimUnion) record(mine *claimRecord, token string) *claimRecord {
	if token == mine.Token {
		return mine
	}
	for _, ix := range u {
		if r, ok := ix.records[token]; ok {
			return &r
		}
	}
	return &claimRecord{Resource: "another resource"}
}

// revokers are the tokens that revoke seat id.
func (u claimUnion) revokers(id string) []string {
	var out []string
	for _, ix := range u {
		for _, t := range ix.byRemoved[id] {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// doubled are the seats that may be revoked by two tokens (revokers
// says), in order: those of each index, and those one index revokes and
// another too.
func (u claimUnion) doubled() []string {
	var ids []string
	for i, ix := range u {
		ids = append(ids, ix.doubled...)
		for _, other := range u[:i] {
			// The smaller map walked, the larger looked up: a sibling's
			// destroy of a large team beside a few creates here.
			small, large := ix.byRemoved, other.byRemoved
			if len(small) > len(large) {
				small, large = large, small
			}
			for id, ts := range small {
				if len(ts) > 0 && len(large[id]) > 0 {
					ids = append(ids, id)
				}
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// assigner returns a record that assigns someone now (mine first), or nil.
func (u claimUnion) assigner(mine *claimRecord) *claimRecord {
	if mine.assigns() {
		return mine
	}
	for _, ix := range u {
		for _, t := range ix.assigning {
			if r := u.record(mine, t); r.assigns() {
				return r
			}
		}
	}
	return nil
}

// samePersonConflict: one recipient, or one seat, in two resources.
func (ix *claimIndex) samePersonConflict(c polar.Container, mine *claimRecord, names claimNames) (summary, detail string) {
	var first string
	both := map[string][]string{}
	note := func(t, what string) {
		if first == "" {
			first = t
		}
		both[t] = append(both[t], what)
	}
	for _, k := range mine.Keys {
		for _, t := range ix.byKey[k] {
			// Two polar_customer_seat for one recipient: Polar refuses the second.
			if o, ok := ix.other(mine, t); ok && (!mine.Single || !o.Single) {
				note(t, keyValue(k))
			}
		}
	}
	for _, id := range mine.Held {
		for _, t := range ix.byHeld[id] {
			if _, ok := ix.other(mine, t); ok {
				note(t, fmt.Sprintf("%s (seat %s)", orDefault(names[id], "one person"), id))
			}
		}
	}
	if first == "" {
		return "", ""
	}
	o := ix.records[first]
	return "Two resources manage the seats of one " + string(c.Kind),
		fmt.Sprintf("This configuration has %s and %s for the %s that both manage %s. Polar gives a recipient one seat per container, "+
			"so the two would fight over it. Manage each recipient in one resource.", mine.Resource, o.Resource, c, listed(both[first]))
}

// moveDetail explains a refused move of seat id (held by who) from losing
// to gaining and prints the recipe for that direction. what says which
// resource does what, from the point of view of the resource refused.
func moveDetail(c polar.Container, id, who string, gaining, losing *claimRecord, what string) string {
	who = orDefault(who, "its holder")
	var b strings.Builder
	fmt.Fprintf(&b, "Seat %s of the %s (%s) moves between two resources of this plan: %s. Terraform may plan and apply the two in either order, "+
		"so the provider cannot make the move safe: the seat would be revoked and %s invited again, or the assignment refused. Nothing has been sent. "+
		"Move the seat this way instead, which revokes and assigns nothing:\n\n", id, c, who, what, who)
	removed := func(typ string) string {
		return fmt.Sprintf("  removed {\n    from = %s.<name>\n    lifecycle {\n      destroy = false\n    }\n  }\n", typ)
	}
	seatImport := fmt.Sprintf("  import {\n    to = polar_customer_seat.<name>\n    id = %q\n  }\n", seatImportID(c, id))
	switch {
	case losing.Single && gaining.Single:
		fmt.Fprintf(&b, "Forget %s instead of destroying or replacing it: in place of its resource block write\n\n%s\nand import the seat into the other polar_customer_seat:\n\n%s\nthen apply once.",
			losing.Resource, removed("polar_customer_seat"), seatImport)
	case losing.Single:
		fmt.Fprintf(&b, "Forget %s instead of destroying or replacing it: in place of its resource block write\n\n%s\nand apply once. Terraform forgets it without revoking the seat, "+
			"and the polar_customer_seat_assignments that names %s records the seat as its own. (If that polar_customer_seat_assignments is new, "+
			"import it in the same apply: import { to = polar_customer_seat_assignments.<name> id = %q }.)",
			losing.Resource, removed("polar_customer_seat"), who, containerImportID(c))
	default:
		fmt.Fprintf(&b, "Apply 1: forget %s without revoking anyone — remove its resource block and add\n\n%s\n", losing.Resource, removed("polar_customer_seat_assignments"))
		if gaining.Single {
			fmt.Fprintf(&b, "and import the seat into the polar_customer_seat:\n\n%s\n", seatImport)
		} else {
			fmt.Fprintf(&b, "and keep %s in the other polar_customer_seat_assignments (it records the seat as its own).\n\n", who)
		}
		fmt.Fprintf(&b, "Apply 2 (if that resource stays in the configuration): put its resource block back with its new recipients, without %s, "+
			"and replace the removed block by\n\n  import {\n    to = polar_customer_seat_assignments.<name>\n    id = %q\n  }\n\n"+
			"The import releases the seats its configuration does not name (%s keeps the seat) and revokes nobody.", who, containerImportID(c), who)
	}
	return b.String()
}

// keyValue is the recipient of a key ("email=alice@…" -> "alice@…").
func keyValue(key string) string {
	_, v, _ := strings.Cut(key, "=")
	return v
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// describeTeam names an assignments resource in another resource's
// message by a few of its recipients (those in state when destroyed).
func describeTeam(keys []string, exclusive, destroyed bool) string {
	s := "a polar_customer_seat_assignments"
	if destroyed {
		s = "the polar_customer_seat_assignments being destroyed"
	}
	switch {
	case keys == nil:
		s += " whose recipients are known only at apply"
	case len(keys) > 0:
		var names []string
		for _, k := range keys[:min(3, len(keys))] {
			names = append(names, keyValue(k))
		}
		s += " listing " + strings.Join(names, ", ")
		if len(keys) > 3 {
			s += fmt.Sprintf(" and %d more", len(keys)-3)
		}
	}
	if exclusive {
		s += " with exclusive = true"
	}
	return s
}

// plannedRecipient keys a planned seat by its recipient: "unknown" while
// unknown, "" when none is set.
func plannedRecipient(cfg *customerSeatModel) string {
	for _, name := range recipientAttrs {
		v := *cfg.recipient()[name]
		if v.IsUnknown() {
			return "unknown"
		}
		if !v.IsNull() {
			val := v.ValueString()
			if name == "email" {
				val = emailaddr.Key(val)
			}
			return name + "=" + val
		}
	}
	return ""
}

// planCreate records a recipient planned for a new seat and returns how
// many distinct ones the container has so far. Unknown recipients count
// each time.
func (pd *providerData) planCreate(c polar.Container, recipient string) int {
	pd.mu.Lock()
	defer pd.mu.Unlock()
	if pd.planned == nil {
		pd.planned = map[polar.Container]map[string]bool{}
	}
	if pd.planned[c] == nil {
		pd.planned[c] = map[string]bool{}
	}
	if recipient == "unknown" {
		recipient = fmt.Sprintf("unknown#%d", len(pd.planned[c]))
	}
	pd.planned[c][recipient] = true
	return len(pd.planned[c])
}
