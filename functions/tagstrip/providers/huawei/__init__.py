"""huawei provider APIs."""
