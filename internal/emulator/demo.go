package emulator

// Ids and token of the built-in demo fixture. They are fixed so that the
// examples and `make demo` can name them.
const (
	DemoOrganizationID = "6f1c1f2e-8f1a-4d39-9a3e-0d9b8f6b2a01"
	DemoToken          = "polar_oat_DemoToken0000000000000000000000000000demo01"
	DemoProductID      = "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b"
	DemoCustomerID     = "9c5b94b1-35ad-49bb-b118-8e8fc24abf80"
	DemoOwnerMemberID  = "5d1e0a3c-7f4e-4b8a-9c2d-3e6f1a2b4c5d"
	DemoSubscriptionID = "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"
	DemoOrderID        = "3a2b1c0d-9e8f-4a7b-b6c5-d4e3f2a1b0c9"

	// The recipients the documentation's examples name: a customer known
	// by the organization's own id, and two members of the billing
	// customer known by their external ids.
	DemoOpsCustomerID    = "2e7f4c1a-6b3d-4e9f-8a1c-5d2b7e9f0a14"
	DemoContractorID     = "4b8e2d6f-1a3c-4f7e-9d5b-6c0a8e2f4b17"
	DemoContractor2ID    = "7d1a5c9e-3f2b-4a6d-8e0c-1b9f7a3d5c28"
	demoOpsExternalID    = "cus_ops_team"
	demoContractorExtID  = "emp_4711"
	demoContractor2ExtID = "emp_4712"
)

// DemoFixture is the built-in fixture: one organization with seat-based
// pricing on, one read+write token, a subscription with 5 seats and a paid
// order with 3 seats; and the recipients the examples name (a customer with
// the external id cus_ops_team, members emp_4711 and emp_4712 of the billing
// customer), so that every example applies against `make emulator`.
func DemoFixture() *Fixture {
	five, three := 5, 3
	product := DemoProductID
	ext, opsExt, c1Ext, c2Ext := "cus_acme", demoOpsExternalID, demoContractorExtID, demoContractor2ExtID
	name, opsName := "Acme Inc", "Acme Ops"
	return &Fixture{Organizations: []FixtureOrg{{
		ID: DemoOrganizationID, Name: "Acme", Slug: "acme",
		SeatBasedPricingEnabled: true,
		Tokens:                  []FixtureToken{{Token: DemoToken, Scopes: []string{"customer_seats:read", "customer_seats:write"}}},
		Products:                []FixtureProduct{{ID: DemoProductID, Name: "Team plan"}},
		Customers: []FixtureCustomer{
			{ID: DemoCustomerID, Email: "billing@acme.io", ExternalID: &ext, Name: &name},
			{ID: DemoOpsCustomerID, Email: "ops@acme.io", ExternalID: &opsExt, Name: &opsName},
		},
		Members: []FixtureMember{
			{ID: DemoOwnerMemberID, CustomerID: DemoCustomerID, Email: "billing@acme.io", Role: "owner"},
			{ID: DemoContractorID, CustomerID: DemoCustomerID, Email: "contractor@acme.io", ExternalID: &c1Ext, Role: "member"},
			{ID: DemoContractor2ID, CustomerID: DemoCustomerID, Email: "contractor2@acme.io", ExternalID: &c2Ext, Role: "member"},
		},
		Subscriptions: []FixtureSubscription{{ID: DemoSubscriptionID, ProductID: &product, CustomerID: DemoCustomerID, Seats: &five}},
		Orders:        []FixtureOrder{{ID: DemoOrderID, ProductID: &product, CustomerID: DemoCustomerID, Seats: &three, Status: "paid"}},
	}}}
}
