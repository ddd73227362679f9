"""baidu provider APIs."""
