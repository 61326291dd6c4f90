"""The staff workspace: officers sign in with Cognito, see every case they may, and act on them."""
