package provider

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

var claimsContainer = polar.Container{Kind: polar.ContainerSubscription, ID: "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"}

func diagsText(d diag.Diagnostics) string {
	var b strings.Builder
	for _, x := range d {
		fmt.Fprintf(&b, "%s: %s: %s\n", x.Severity(), x.Summary(), x.Detail())
	}
	return b.String()
}

// Every kind of fight is refused by whichever of the two is claimed second;
// resources that do not fight are not.
func TestClaims_conflicts_inBothOrders(t *testing.T) {
	t.Parallel()
	team := func(token string, exclusive bool, keys []string, held, removed []string) claimRecord {
		return claimRecord{Token: token, Resource: "team " + token, Exclusive: exclusive, Keys: keys, Held: held, Removed: removed}
	}
	seat := func(token string, key string, held, removed []string) claimRecord {
		return claimRecord{Token: token, Resource: "seat " + token, Single: true, Keys: []string{key}, Held: held, Removed: removed}
	}
	destroyed := func(token string, removed ...string) claimRecord {
		return claimRecord{Token: token, Resource: "gone " + token, Keys: []string{}, Removed: removed}
	}
	for name, c := range map[string]struct {
		a, b claimRecord
		want string // in the refusal; "" for none
	}{
		"exclusive and a seat":                                     {team("a", true, []string{"email=x"}, []string{"s1"}, nil), seat("b", "email=y", nil, nil), "exclusive resource revokes every seat"},
		"exclusive with unknown recipients":                        {team("a", true, nil, nil, nil), seat("b", "email=y", nil, nil), "known only at apply"},
		"exclusive and a destroy":                                  {team("a", true, []string{"email=x"}, nil, nil), destroyed("b", "s9"), ""},
		"exclusive and an empty team":                              {team("a", true, []string{}, nil, nil), team("b", false, []string{}, nil, nil), ""},
		"one key in two teams":                                     {team("a", false, []string{"email=x"}, nil, nil), team("b", false, []string{"email=x"}, nil, nil), "both manage x"},
		"one key in two seats":                                     {seat("a", "email=x", nil, nil), seat("b", "email=x", nil, nil), ""},
		"one seat held by two seats":                               {seat("a", "email=x", []string{"s1"}, nil), seat("b", "member_id=m", []string{"s1"}, nil), "(seat s1)"},
		"one seat held under two forms":                            {team("a", false, []string{"email=x"}, []string{"s1"}, nil), seat("b", "member_id=m", []string{"s1"}, nil), "(seat s1)"},
		"a move":                                                   {team("a", false, []string{}, nil, []string{"s1"}), team("b", false, []string{"email=x"}, []string{"s1"}, nil), "moves between two resources"},
		"a destroyed seat adopted":                                 {destroyed("a", "s1"), team("b", false, []string{"email=x"}, []string{"s1"}, nil), "moves between two resources"},
		"two destroys of one seat":                                 {destroyed("a", "s1"), destroyed("b", "s1"), ""},
		"one seat revoked by a destroy and an update":              {destroyed("a", "s1"), team("b", false, []string{"email=y"}, nil, []string{"s1"}), "revoked by two resources"},
		"one seat revoked by a destroy and a replacement in place": {destroyed("a", "s1"), seat("b", "email=x", nil, []string{"s1"}), "revoked by two resources"},
		"one seat revoked by a destroy and a team of unknowns":     {destroyed("a", "s1"), team("b", false, nil, nil, []string{"s1"}), "revoked by two resources"},
		// Neither assigns anyone in the container: each revoke checks the
		// row first, and the second finds it revoked or someone else's.
		"one seat revoked by a destroy and an update keeping all": {destroyed("a", "s1"), team("b", false, []string{"email=y"}, []string{"s2"}, []string{"s1"}), ""},
		"one seat revoked by an update and a seat leaving":        {claimRecord{Token: "a", Resource: "seat a", Single: true, Keys: []string{}, Removed: []string{"s1"}}, team("b", false, []string{"email=y"}, []string{"s2"}, []string{"s1"}), ""},
		"different people":                         {team("a", false, []string{"email=x"}, []string{"s1"}, nil), team("b", false, []string{"email=y"}, []string{"s2"}, nil), ""},
		"the two calls of one resource's plan":     {team("a", false, []string{"email=x"}, []string{"s1"}, nil), team("a", false, []string{"email=x"}, nil, []string{"s1"}), ""},
		"a replacement's second call and a keeper": {team("a", false, []string{"email=x"}, nil, []string{"s1"}), team("b", false, []string{"email=y"}, []string{"s1"}, nil), "moves between two resources"},
	} {
		for _, order := range [][2]claimRecord{{c.a, c.b}, {c.b, c.a}} {
			pd := &providerData{}
			if d := pd.claim(claimsContainer, order[0], claimNames{"s1": "x"}); d.HasError() {
				t.Fatalf("%s: the first claim was refused: %s", name, diagsText(d))
			}
			d := pd.claim(claimsContainer, order[1], claimNames{"s1": "x"})
			switch {
			case c.want == "" && d.HasError():
				t.Errorf("%s (%s second): refused: %s", name, order[1].Token, diagsText(d))
			case c.want != "" && !strings.Contains(strings.Join(strings.Fields(diagsText(d)), " "), c.want):
				t.Errorf("%s (%s second): %q not in %q", name, order[1].Token, c.want, diagsText(d))
			}
		}
	}
}

// A record replaced by its token no longer fights as it did: the first
// call of a replacement held the seat, the second revokes it (and assigns
// its person again), so a resource that keeps the seat fights the
// replacement, and so does one that revokes it too (the replacement may
// give the person the same row back first, and the other revoke take it).
func TestClaims_replacedByToken(t *testing.T) {
	t.Parallel()
	pd := &providerData{}
	held := claimRecord{Token: "a", Keys: []string{"email=x"}, Held: []string{"s1"}}
	if d := pd.claim(claimsContainer, held, nil); d.HasError() {
		t.Fatal(diagsText(d))
	}
	if d := pd.claim(claimsContainer, claimRecord{Token: "a", Keys: []string{"email=x"}, Removed: []string{"s1"}}, nil); d.HasError() {
		t.Fatal(diagsText(d))
	}
	if d := pd.claim(claimsContainer, claimRecord{Token: "b", Keys: []string{}, Removed: []string{"s1"}}, nil); !d.HasError() || !strings.Contains(diagsText(d), "revoked by two resources") {
		t.Fatalf("a destroy revoking the seat the replacement revokes and assigns again: %s", diagsText(d))
	}
	if d := pd.claim(claimsContainer, claimRecord{Token: "c", Keys: []string{"email=y"}, Held: []string{"s1"}}, nil); !d.HasError() {
		t.Fatal("a resource keeping a seat two others revoke was not refused")
	}
}

// One seat revoked by two resources that assign nobody, beside a third
// that may assign someone in the container (whoever: Polar may give the
// freed row to anyone): refused by whichever of the three is claimed last,
// in this process or through a sibling. A third that keeps the seats of
// all its recipients is no fight.
func TestClaims_revokedTwiceBesideAnAssignment(t *testing.T) {
	t.Parallel()
	destroyed := claimRecord{Token: "x", Resource: "gone x", Keys: []string{}, Removed: []string{"s1"}}
	keeper := claimRecord{Token: "y", Resource: "team y", Keys: []string{"email=bob"}, Held: []string{"s2"}, Removed: []string{"s1"}}
	leaving := claimRecord{Token: "y", Resource: "seat y", Single: true, Keys: []string{}, Removed: []string{"s1"}}
	seat := func(key string, held ...string) claimRecord {
		return claimRecord{Token: "z", Resource: "seat z", Single: true, Keys: []string{key}, Held: held}
	}
	unknown := claimRecord{Token: "z", Resource: "seat z", Single: true}
	unknownTeam := claimRecord{Token: "z", Resource: "team z"}
	for name, c := range map[string]struct {
		records []claimRecord
		refused bool
	}{
		"a destroy, an update keeping all, a recipient unknown at plan": {[]claimRecord{destroyed, keeper, unknown}, true},
		"a destroy, a seat leaving, recipients unknown at plan":         {[]claimRecord{destroyed, leaving, unknownTeam}, true},
		"two destroys, a recipient by external_customer_id":             {[]claimRecord{destroyed, {Token: "y", Resource: "gone y", Keys: []string{}, Removed: []string{"s1"}}, seat("external_customer_id=cus_x")}, true},
		"a destroy, an update keeping all, a recipient by customer_id":  {[]claimRecord{destroyed, keeper, seat("customer_id=c1")}, true},
		"a destroy, an update keeping all, a new seat for someone else": {[]claimRecord{destroyed, keeper, seat("email=carol")}, true},
		"a recipient by customer_id who keeps a seat":                   {[]claimRecord{destroyed, keeper, seat("customer_id=c1", "s3")}, false},
		"a team that keeps all its seats":                               {[]claimRecord{destroyed, leaving, {Token: "z", Resource: "team z", Keys: []string{"email=carol"}, Held: []string{"s3"}}}, false},
		"one revoke, a recipient unknown at plan":                       {[]claimRecord{destroyed, {Token: "y", Resource: "team y", Keys: []string{"email=bob"}, Held: []string{"s2"}}, unknown}, false},
	} {
		claimThree(t, name, [3]placedClaim{{c.records[0], false}, {c.records[1], false}, {c.records[2], false}}, c.refused)
	}
}

// A plan whose container is known only at apply may assign in any
// container: beside one seat two resources revoke, it is refused whichever
// of the three is claimed last, in this process or with some of them in a
// sibling (which claimed them earlier). One that assigns nobody, or beside
// one revoke, is no fight.
func TestClaims_revokedTwiceBesideAnUnplacedAssignment(t *testing.T) {
	t.Parallel()
	x := claimRecord{Token: "x", Resource: "gone x", Keys: []string{}, Removed: []string{"s1"}}
	y := claimRecord{Token: "y", Resource: "team y", Keys: []string{"email=bob"}, Held: []string{"s2"}, Removed: []string{"s1"}}
	yKeeps := claimRecord{Token: "y", Resource: "team y", Keys: []string{"email=bob"}, Held: []string{"s2"}}
	z := claimRecord{Token: "z", Resource: "seat z", Single: true, Keys: []string{"email=carol"}}
	zEmpty := claimRecord{Token: "z", Resource: "team z", Keys: []string{}}
	for name, c := range map[string]struct {
		recs    [3]placedClaim
		refused bool
	}{
		"a new seat for someone else":  {[3]placedClaim{{x, false}, {y, false}, {z, true}}, true},
		"recipients unknown at plan":   {[3]placedClaim{{x, false}, {y, false}, {claimRecord{Token: "z", Resource: "team z"}, true}}, true},
		"a team with nobody":           {[3]placedClaim{{x, false}, {y, false}, {zEmpty, true}}, false},
		"one revoke beside a new seat": {[3]placedClaim{{x, false}, {yKeeps, false}, {z, true}}, false},
	} {
		claimThree(t, name, c.recs, c.refused)
	}
}

// placedClaim is a claim record, and whether its container is known only
// at apply.
type placedClaim struct {
	rec      claimRecord
	unplaced bool
}

// claimThree claims three records of one plan in every order: in one
// process, or with the first one or two of the order claimed earlier by a
// sibling process (another provider configuration); and checks each plan
// with wantRevokedTwice.
func claimThree(t *testing.T, name string, recs [3]placedClaim, refused bool) {
	t.Helper()
	for _, order := range [][3]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}} {
		for sibling := range 3 {
			var d diag.Diagnostics
			pd, sib := &providerData{}, &fakeSiblings{}
			if sibling > 0 {
				pd.siblings = sib
			}
			for i, k := range order {
				p := recs[k]
				switch {
				case i < sibling && p.unplaced:
					sib.unplacedOthers = append(sib.unplacedOthers, p.rec)
				case i < sibling:
					sib.others = append(sib.others, p.rec)
				case p.unplaced:
					d.Append(pd.claim(unplaced, p.rec, nil)...)
				default:
					d.Append(pd.claim(claimsContainer, p.rec, claimNames{"s1": "alice"})...)
				}
			}
			wantRevokedTwice(t, fmt.Sprintf("%s (order %v, %d in a sibling)", name, order, sibling), d, refused)
		}
	}
}

// wantRevokedTwice checks the claims of one plan: refused as one seat
// revoked by two resources beside z's assignment, or not refused at all.
func wantRevokedTwice(t *testing.T, what string, d diag.Diagnostics, refused bool) {
	t.Helper()
	text := strings.Join(strings.Fields(diagsText(d)), " ")
	switch got := strings.Contains(text, "revoked by two resources") && strings.Contains(text, " z assigns seats there"); {
	case refused && !got:
		t.Errorf("%s: not refused: %s", what, diagsText(d))
	case !refused && d.HasError():
		t.Errorf("%s: refused: %s", what, diagsText(d))
	}
}

// fakeSiblings is another provider process of the run: others are its
// records in the container asked about, unplacedOthers those whose
// container is known only at apply.
type fakeSiblings struct {
	published      []claimRecord
	others         []claimRecord
	unplacedOthers []claimRecord
	err            error
	read           []polar.Container // the containers Others was asked for
}

func (f *fakeSiblings) Publish(_ string, _ polar.Container, rec claimRecord) error {
	f.published = append(f.published, rec)
	return f.err
}

func (f *fakeSiblings) Containers(string) ([]polar.Container, error) {
	if len(f.others) == 0 {
		return nil, f.err
	}
	return []polar.Container{claimsContainer}, f.err
}

func (f *fakeSiblings) Others(_ string, c polar.Container) ([]claimRecord, error) {
	f.read = append(f.read, c)
	if c == unplaced {
		return f.unplacedOthers, f.err
	}
	return f.others, f.err
}

// A plan whose container is known only at apply reads the other processes'
// records only of the containers they have records in: this process's own
// containers are looked at in memory (a file read each, once per claim,
// before).
func TestClaims_unplacedReadsOnlyTheSiblingsContainers(t *testing.T) {
	t.Parallel()
	sib := &fakeSiblings{} // no records: no containers
	pd := &providerData{siblings: sib, endpoint: "https://api.polar.sh"}
	for i := range 20 {
		c := polar.Container{Kind: polar.ContainerSubscription, ID: fmt.Sprintf("sub-%02d", i)}
		if d := pd.claim(c, claimRecord{Token: c.ID, Keys: []string{"email=x"}, Held: []string{"s-" + c.ID}}, nil); d.HasError() {
			t.Fatal(diagsText(d))
		}
	}
	sib.read = nil
	if d := pd.claim(unplaced, claimRecord{Token: "new", Single: true, Keys: []string{"email=y"}}, nil); d.HasError() {
		t.Fatal(diagsText(d))
	}
	if len(sib.read) != 0 {
		t.Fatalf("read the siblings' records of %v, which hold none", sib.read)
	}
}

// A claim is published to the sibling processes and checked against
// theirs; when they cannot be reached, the plan warns and goes on.
func TestClaims_siblings(t *testing.T) {
	t.Parallel()
	sib := &fakeSiblings{others: []claimRecord{{Token: "other", Resource: "an exclusive team of polar.second", Exclusive: true, Keys: []string{"email=z"}}}}
	pd := &providerData{siblings: sib, endpoint: "https://api.polar.sh"}
	mine := claimRecord{Token: "mine", Resource: "a seat", Single: true, Keys: []string{"email=x"}}
	d := pd.claim(claimsContainer, mine, nil)
	if !d.HasError() || !strings.Contains(diagsText(d), "an exclusive team of polar.second") {
		t.Fatalf("the sibling's exclusive claim was not seen: %s", diagsText(d))
	}
	if len(sib.published) != 1 || sib.published[0].Token != "mine" {
		t.Fatalf("published %v", sib.published)
	}
	sib = &fakeSiblings{err: errors.New("no run directory")}
	pd = &providerData{siblings: sib}
	if d := pd.claim(claimsContainer, mine, nil); d.HasError() || d.WarningsCount() != 1 || !strings.Contains(diagsText(d), "no run directory") {
		t.Fatalf("an unreachable sibling registry: %s", diagsText(d))
	}
}

// The claims of a plan over thousands of seats of one container: each
// claim costs time in proportion to its own size.
func BenchmarkClaimsOneContainer(b *testing.B) {
	for range b.N {
		pd := &providerData{}
		for i := range 2000 {
			id := fmt.Sprintf("seat-%d", i)
			pd.claim(claimsContainer, claimRecord{Token: newPlanToken(), Single: true, Keys: []string{fmt.Sprintf("email=p%d@acme.io", i)}, Held: []string{id}}, claimNames{id: "x"})
		}
	}
}
