# Locust's fastest user class, one GET per task and no wait: the peer the benchmark measures.
from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser


class Get(FastHttpUser):
    wait_time = constant(0)

    @task
    def get(self):
        self.client.get("/index.html")
