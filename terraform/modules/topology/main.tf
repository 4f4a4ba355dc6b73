# The topology table of common/topology.py, as Terraform data. Nothing here creates a
# resource: the other modules iterate over these outputs, so a topic, subscription or
# function exists in Google Cloud exactly when it exists in the code.
# tests/infra/test_topology_mirror.py fails when the two tables disagree.

locals {
  topics = ["claims-loaded", "signals-raised", "recompute-requested"]

  # Pub/Sub deliveries before a message goes to the subscription's dead-letter topic.
  max_delivery_attempts = 5

  # `<function-with-dashes>-<topic>` => the topic it reads and the function it pushes to.
  subscriptions = {
    "signal-driftwatch-claims-loaded"      = { topic = "claims-loaded", function = "signal_driftwatch" }
    "signal-denialscope-claims-loaded"     = { topic = "claims-loaded", function = "signal_denialscope" }
    "signal-delayguard-claims-loaded"      = { topic = "claims-loaded", function = "signal_delayguard" }
    "alert-dispatch-signals-raised"        = { topic = "signals-raised", function = "alert_dispatch" }
    "recompute-fanout-recompute-requested" = { topic = "recompute-requested", function = "recompute_fanout" }
  }

  # Every deployed function: how it is triggered, whether the internet may call it, and the
  # topics it publishes to (through the outbox, after commit).
  functions = {
    ingest_claims = {
      trigger   = "storage"
      public    = false
      publishes = ["claims-loaded"]
    }
    signal_driftwatch = {
      trigger   = "pubsub"
      public    = false
      publishes = ["signals-raised"]
    }
    signal_denialscope = {
      trigger   = "pubsub"
      public    = false
      publishes = ["signals-raised"]
    }
    signal_delayguard = {
      trigger   = "pubsub"
      public    = false
      publishes = ["signals-raised"]
    }
    alert_dispatch = {
      trigger   = "pubsub"
      public    = false
      publishes = []
    }
    recompute_fanout = {
      trigger   = "pubsub"
      public    = false
      publishes = ["claims-loaded"]
    }
    api = {
      trigger   = "http"
      public    = true
      publishes = ["recompute-requested"] # POST /v1/recompute, through the outbox
    }
    # Browser pages on the api's services (cookie session, CSRF, CSP): its own login checks.
    portal = {
      trigger   = "http"
      public    = true
      publishes = []
    }
  }
}
