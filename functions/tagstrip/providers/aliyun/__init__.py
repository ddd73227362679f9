"""aliyun provider APIs."""
