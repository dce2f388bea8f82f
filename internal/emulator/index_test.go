package emulator

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// foldKey calls two strings the same exactly when strings.EqualFold does,
// including the runes whose folding orbit has three members (k, K and the
// Kelvin sign; s, S and the long s), final sigma, and invalid UTF-8.
func TestEmulator_index_foldKeyIsEqualFold(t *testing.T) {
	alphabet := []string{"a", "A", "k", "K", "\u212a", "s", "S", "\u017f", "σ", "ς", "Σ", "ß", "ẞ", "é", "É", "İ", "i", "ı", "\xff", "\xfe", "\ufffd", "@", "."}
	rng := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		var b strings.Builder
		for range rng.IntN(4) + 1 {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	agree := 0
	for range 20000 {
		a, b := word(), word()
		if strings.EqualFold(a, b) != (foldKey(a) == foldKey(b)) {
			t.Fatalf("%q and %q: EqualFold %v, foldKey %q %q", a, b, strings.EqualFold(a, b), foldKey(a), foldKey(b))
		}
		if strings.EqualFold(a, b) && a != b {
			agree++
		}
	}
	if agree == 0 {
		t.Fatal("no pair equal but for case was drawn: the test proves nothing")
	}
	if !utf8.ValidString(foldKey("\xff")) {
		t.Fatal("foldKey must map an invalid byte to U+FFFD")
	}
}

// After every call of a long random session (assign by every kind of
// recipient, revoke, claim, resend, in both models, with fixture seats of
// equal age, revoked rows and two seats sharing an invitation token), each
// index answers exactly what the scan it replaced answers.
func TestEmulator_index_agreesWithScans(t *testing.T) {
	const tok = "shared-invitation-token-0000000000000000000"
	fx := strings.Replace(testFixture, `"orders": [`, `"seats": [
       {"id": "a5000000-0000-4000-8000-000000000003", "order_id": "`+orderPaid+`", "subscription_id": null, "status": "revoked", "created_at": "2020-01-01T00:00:00Z"},
       {"id": "a5000000-0000-4000-8000-000000000002", "order_id": "`+orderPaid+`", "subscription_id": null, "status": "revoked", "created_at": "2020-01-01T00:00:00Z"},
       {"id": "a5000000-0000-4000-8000-000000000004", "subscription_id": "`+subA+`", "order_id": null, "status": "pending", "email": "Twin@acme.io", "customer_id": "`+custExt+`", "member_id": null, "invitation_token": "`+tok+`"},
       {"id": "a5000000-0000-4000-8000-000000000005", "order_id": "`+orderPaid+`", "subscription_id": null, "status": "pending", "email": "twin@ACME.io", "customer_id": "`+billA+`", "member_id": null, "invitation_token": "`+tok+`", "created_at": "2099-01-01T00:00:00Z"}],
     "orders": [`, 1)
	e := newEnv(t, fx)
	for _, c := range []struct{ kind, id string }{{"subscription", subA}, {"subscription", subA1}, {"order", orderPaid}, {"subscription", subB}} {
		if err := e.srv.SetSeats(c.kind, c.id, 40); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	email := func() string {
		name := pick("ann", "ANN", "bob", "Bob", "carol", "kai", "\u212aai", "ſam", "sam", "twin")
		return name + "@" + pick("acme.io", "ACME.io", "beta.io")
	}
	statuses := map[int]int{}
	for step := range 600 {
		var r resp
		switch op := rng.IntN(10); {
		case op < 5:
			body := map[string]any{"immediate_claim": rng.IntN(3) == 0}
			switch rng.IntN(5) {
			case 0:
				body["customer_id"] = pick(custExt, billA, unknownV)
			case 1:
				body["external_customer_id"] = pick("cus_carol", "cus_dave", "nobody")
			case 2:
				body["external_member_id"] = pick("emp_erin", "emp_x", "emp_y")
				if rng.IntN(2) == 0 {
					body["email"] = email()
				}
			case 3:
				body["member_id"] = pick(memberExt, memberOwner, memberOther)
			default:
				body["email"] = email()
			}
			token := tokRW
			if rng.IntN(3) == 0 {
				body["subscription_id"], token = subB, tokB
			} else if rng.IntN(2) == 0 {
				body["order_id"] = orderPaid
			} else {
				body["subscription_id"] = pick(subA, subA1)
			}
			r = e.assign(token, body)
		case op < 8:
			o, id := e.anySeat(rng)
			r = e.call(http.MethodDelete, "/v1/customer-seats/"+id, map[string]string{orgLegacy: tokRW, orgMember: tokB}[o], nil)
		case op < 9:
			tok := tok
			if _, id := e.anySeat(rng); rng.IntN(2) == 0 {
				if st, ok := e.srv.InvitationToken(id); ok {
					tok = st
				}
			}
			r = e.call(http.MethodPost, "/v1/customer-seats/claim", "", map[string]any{"invitation_token": tok})
		default:
			o, id := e.anySeat(rng)
			r = e.call(http.MethodPost, "/v1/customer-seats/"+id+"/resend", map[string]string{orgLegacy: tokRW, orgMember: tokB}[o], nil)
		}
		statuses[r.status]++
		if msg := e.srv.indexesDisagree(); msg != "" {
			t.Fatalf("step %d (%d %s): %s", step, r.status, r.raw, msg)
		}
	}
	if statuses[200] < 100 || statuses[400] < 20 {
		t.Fatalf("the session did too little to prove anything: %v", statuses)
	}
}

// anySeat is a random seat of either organization that has seats.
func (e *env) anySeat(rng *rand.Rand) (orgID, seatID string) {
	e.srv.mu.Lock()
	defer e.srv.mu.Unlock()
	var all [][2]string
	for _, o := range e.srv.w.orgs {
		for _, st := range o.seats {
			all = append(all, [2]string{o.id, st.id})
		}
	}
	p := all[rng.IntN(len(all))]
	return p[0], p[1]
}

// indexesDisagree recomputes every index by scanning, as the emulator did
// before it had them, and says where one differs ("" when none does).
func (s *Server) indexesDisagree() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.w.orgs {
		if msg := o.seatIndexesDisagree(); msg != "" {
			return o.slug + ": " + msg
		}
		if msg := o.peopleIndexesDisagree(); msg != "" {
			return o.slug + ": " + msg
		}
	}
	return ""
}

func (o *org) seatIndexesDisagree() string {
	containers := []*container{}
	for _, c := range o.subs {
		containers = append(containers, c)
	}
	for _, c := range o.orders {
		containers = append(containers, c)
	}
	for _, c := range containers {
		var scan []*seat
		for _, st := range o.seats {
			if st.containerID() == c.id {
				scan = append(scan, st)
			}
		}
		scan = sortedSeats(scan)
		if !slices.Equal(scan, c.rows.ordered) {
			return fmt.Sprintf("%s: rows out of order", c.id)
		}
		active, byCustomer, byEmail := 0, map[string]int{}, map[string]int{}
		var oldest *seat
		for _, st := range scan {
			if st.active() {
				active++
				if st.customerID != nil {
					byCustomer[*st.customerID]++
				}
				if st.email != nil {
					byEmail[foldKey(*st.email)]++
				}
			}
			if st.status == seatRevoked && oldest == nil {
				oldest = st
			}
		}
		if active != c.rows.active || fmt.Sprint(byCustomer) != fmt.Sprint(c.rows.byCustomer) || fmt.Sprint(byEmail) != fmt.Sprint(c.rows.byEmail) {
			return fmt.Sprintf("%s: counts %d %v %v, index %d %v %v", c.id, active, byCustomer, byEmail, c.rows.active, c.rows.byCustomer, c.rows.byEmail)
		}
		if oldest != c.rows.oldestRevoked() {
			return fmt.Sprintf("%s: oldest revoked row differs", c.id)
		}
	}
	byToken := map[string][]*seat{}
	for _, st := range o.seats {
		if o.seatByID[st.id] != st {
			return "seat " + st.id + " not indexed by id"
		}
		if st.token != nil {
			byToken[*st.token] = append(byToken[*st.token], st)
		}
	}
	if len(o.seatByID) != len(o.seats) || fmt.Sprint(byToken) != fmt.Sprint(o.byToken) {
		return "seats by id or by token differ"
	}
	return ""
}

func (o *org) peopleIndexesDisagree() string {
	for _, x := range o.customers {
		var byEmail, byExt *customer
		for _, c := range o.customers {
			if byEmail == nil && x.email != "" && strings.EqualFold(c.email, x.email) {
				byEmail = c
			}
			if byExt == nil && x.externalID != nil && c.externalID != nil && *c.externalID == *x.externalID {
				byExt = c
			}
		}
		if o.customerByID(x.id) != x || (x.email != "" && o.customerByEmail(x.email) != byEmail) || (x.externalID != nil && o.customerByExternalID(*x.externalID) != byExt) {
			return "customer " + x.id + " indexed wrong"
		}
	}
	for _, x := range o.members {
		var byEmail, byExt *member
		for _, m := range o.members {
			if m.customerID != x.customerID {
				continue
			}
			if byEmail == nil && strings.EqualFold(m.email, x.email) {
				byEmail = m
			}
			if x.externalID != nil && m.externalID != nil && *m.externalID == *x.externalID {
				byExt = m
			}
		}
		if o.memberByID(x.id) != x || o.memberByEmail(x.customerID, x.email) != byEmail || (x.externalID != nil && o.memberByExt(x.customerID, *x.externalID) != byExt) {
			return "member " + x.id + " indexed wrong"
		}
	}
	return ""
}
