import reflex as rx

config = rx.Config(app_name="minimal", telemetry_enabled=False, cors_allowed_origins=["*"],
                   state_manager_mode="memory", plugins=[])
