# The seats a subscription already has, one result per seat (Terraform
# 1.14+): `terraform query` shows them, and
# `terraform query -generate-config-out=seats.tf` writes a polar_customer_seat
# block and an import block for each.
list "polar_customer_seat" "team" {
  provider = polar

  config {
    subscription_id = "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d" # or order_id
    statuses        = ["pending", "claimed"]                 # the default
  }
}
