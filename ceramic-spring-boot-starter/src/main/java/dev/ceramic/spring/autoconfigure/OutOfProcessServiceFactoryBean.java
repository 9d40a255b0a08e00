package dev.ceramic.spring.autoconfigure;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.FactoryBean;

/**
 * Makes the bean of one {@code @OutOfProcess} service interface: a proxy into its pool.
 *
 * @param <T> the service interface
 */
class OutOfProcessServiceFactoryBean<T> implements FactoryBean<T>, BeanFactoryAware {

	private final Class<T> serviceInterface;

	private final String pool;

	// Set through BeanFactoryAware, which the container calls before getObject.
	@SuppressWarnings("NullAway.Init")
	private BeanFactory beanFactory;

	OutOfProcessServiceFactoryBean(Class<T> serviceInterface, String pool) {
		this.serviceInterface = serviceInterface;
		this.pool = pool;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public T getObject() {
		return this.beanFactory.getBean(CeramicPools.class).proxy(this.pool, this.serviceInterface);
	}

	@Override
	public Class<T> getObjectType() {
		return this.serviceInterface;
	}

}
