document.documentElement.dataset.served = 'http-lab';
