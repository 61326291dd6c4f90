"""The HTTP layer every site of the product shares: requests and responses as the pages see
them, cookies, the security headers every answer carries, signed sessions."""
