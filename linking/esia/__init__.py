"""ESIA («Госуслуги») as the identity provider: the signed client secret and its signers."""
