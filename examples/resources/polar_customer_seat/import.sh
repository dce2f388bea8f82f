# Into `resource "polar_customer_seat" "alice"`, a seat by its container and
# seat id:
terraform import polar_customer_seat.alice subscription/0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d/f0a1aa95-9f75-4605-9777-fb503d2eeb77

# Or by the recipient's email (a seat of an order: order/<order_id>/<email>):
terraform import polar_customer_seat.alice subscription/0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d/alice@yourcompany.com
