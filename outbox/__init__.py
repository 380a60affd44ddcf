"""The outbox: email written in the same transaction as the change it tells about, sent by a worker.

    from outbox.services import enqueue
    enqueue(kind="materials.submitted", reference=f"materials.inspectionmaterial:{pk}",
            subject=..., body=..., recipients=[...])

A rolled-back change leaves no message; a committed one always has its message. The worker
(`python manage.py send_outbox --loop`) sends each message once, retrying with backoff while the
mail server is down (outbox.sending). Depends on core only.
"""
