# Adopts every active seat the subscription has; list the same people below
# and the plan after the import is empty.
import {
  to = polar_customer_seat_assignments.existing
  id = "subscription/0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"
}

resource "polar_customer_seat_assignments" "existing" {
  subscription_id = "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"
  emails          = ["alice@yourcompany.com", "bob@yourcompany.com"]
}
