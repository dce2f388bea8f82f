# Adopts the seat alice already holds; use her real address.
import {
  to = polar_customer_seat.alice
  id = "subscription/0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d/alice@yourcompany.com"
}

resource "polar_customer_seat" "alice" {
  subscription_id = "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"
  email           = "alice@yourcompany.com"
}
