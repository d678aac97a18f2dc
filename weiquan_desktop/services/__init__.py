"""Qt-free domain services. Each public function commits its change whole or not at all."""
