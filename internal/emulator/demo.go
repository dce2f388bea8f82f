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
)

// DemoFixture is the built-in fixture: one organization with seat-based
// pricing on, one read+write token, a subscription with 5 seats and a paid
// order with 3 seats.
func DemoFixture() *Fixture {
	five, three := 5, 3
	product := DemoProductID
	ext := "cus_acme"
	name := "Acme Inc"
	return &Fixture{Organizations: []FixtureOrg{{
		ID: DemoOrganizationID, Name: "Acme", Slug: "acme",
		SeatBasedPricingEnabled: true,
		Tokens:                  []FixtureToken{{Token: DemoToken, Scopes: []string{"customer_seats:read", "customer_seats:write"}}},
		Products:                []FixtureProduct{{ID: DemoProductID, Name: "Team plan"}},
		Customers:               []FixtureCustomer{{ID: DemoCustomerID, Email: "billing@acme.io", ExternalID: &ext, Name: &name}},
		Members:                 []FixtureMember{{ID: DemoOwnerMemberID, CustomerID: DemoCustomerID, Email: "billing@acme.io", Role: "owner"}},
		Subscriptions:           []FixtureSubscription{{ID: DemoSubscriptionID, ProductID: &product, CustomerID: DemoCustomerID, Seats: &five}},
		Orders:                  []FixtureOrder{{ID: DemoOrderID, ProductID: &product, CustomerID: DemoCustomerID, Seats: &three, Status: "paid"}},
	}}}
}
